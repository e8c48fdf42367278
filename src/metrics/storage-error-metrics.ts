import { Injectable } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';

/**
 * Requests that failed with an error that is none of Zaqar's own, which every transport answers
 * 503: the store failing (unreachable, full, timing out, refusing), or a bug.
 */
export abstract class StorageErrorMetrics {
  abstract failed(): void;
}

/** METRICS=off. */
export const UNCOUNTED_STORAGE_ERRORS: StorageErrorMetrics = { failed: () => undefined };

@Injectable()
export class CountedStorageErrors implements StorageErrorMetrics {
  private readonly total: Counter;

  constructor(registry: Registry) {
    this.total = new Counter({
      name: 'zaqar_storage_errors_total',
      help: 'Requests that failed with an unexpected error (the store failing, or a bug): 503 over REST, 500 over the sockets.',
      registers: [registry],
    });
  }

  failed(): void {
    this.total.inc();
  }
}
