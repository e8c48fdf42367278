import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ServiceUnavailable } from '../common/errors';
import { QueueRef, STORAGE_DRIVER, StorageDriver } from '../storage/storage.contract';

interface OperationStatus {
  succeeded: boolean;
  seconds: number;
  ref: string | null;
}

/** The project that health probes write into; no client can be scoped to it by accident. */
const PROBE_PROJECT = '__zaqar_health__';

type DetailedHealth = Awaited<ReturnType<HealthService['probe']>>;

@Injectable()
export class HealthService {
  /**
   * One probe queue per process, and one probe at a time: requests that arrive during a probe
   * share its answer. (A new name per probe would leave one catalog entry behind each, with pooling.)
   */
  private readonly probeQueue = `probe-${randomUUID()}`;
  private probing: Promise<DetailedHealth> | null = null;

  constructor(@Inject(STORAGE_DRIVER) private readonly driver: StorageDriver) {}

  private get queues() {
    return this.driver.queues;
  }
  private get messages() {
    return this.driver.messages;
  }
  private get claims() {
    return this.driver.claims;
  }

  /** Ping: can the storage back end answer at all? */
  reachable(): Promise<boolean> {
    return this.driver.ping().catch(() => false);
  }

  /** Ping as the API answers it: nothing, or a 503 when storage cannot answer. */
  async ping(): Promise<void> {
    if (!(await this.reachable())) throw new ServiceUnavailable('Storage is not reachable.');
  }

  /**
   * Zaqar's detailed health: runs each basic operation once on a throw-away queue and reports
   * whether it worked and how long it took.
   */
  detailed(): Promise<DetailedHealth> {
    this.probing ??= this.probe().finally(() => (this.probing = null));
    return this.probing;
  }

  private async probe() {
    const storageReachable = await this.reachable();
    if (!storageReachable) return { storage_reachable: false, operation_status: {} };
    const ref: QueueRef = { project: PROBE_PROJECT, queue: this.probeQueue };
    const clientId = randomUUID();
    const status: Record<string, OperationStatus> = {};
    const run = async <T>(name: string, operation: () => Promise<T>): Promise<T | undefined> => {
      const started = process.hrtime.bigint();
      try {
        const result = await operation();
        status[name] = { succeeded: true, seconds: elapsed(started), ref: null };
        return result;
      } catch (error) {
        status[name] = { succeeded: false, seconds: elapsed(started), ref: String(error) };
        return undefined;
      }
    };
    const now = () => Date.now();
    await run('create_queue', () => this.queues.create(ref, {}, now()));
    const body = { event: 'health-check' };
    const ids =
      (await run('post_messages', () =>
        this.messages.post(
          ref,
          clientId,
          [
            { body, ttl: 300, delay: 0 },
            { body, ttl: 300, delay: 0 },
          ],
          now(),
        ),
      )) ?? [];
    const claim = await run('claim_messages', () => this.claims.create(ref, { ttl: 60, grace: 60, limit: 1 }, now()));
    await run('list_messages', () =>
      this.messages.list(ref, { limit: 10, clientId, echo: true, includeClaimed: true, includeDelayed: true }, now()),
    );
    if (claim?.messages[0]) {
      const claimed = claim.messages[0].id;
      await run('delete_messages', () => this.messages.delete(ref, claimed, claim.claimId, now()));
      await run('delete_claim', () => this.claims.release(ref, claim.claimId, now()));
    }
    await run('bulk_delete_messages', () => this.messages.deleteMany(ref, ids, undefined, now()));
    await run('delete_queue', () => this.queues.delete(ref));
    // Beyond Zaqar: deliveries that gave up, across every project (their lists: .../failed).
    const failed = await this.driver.deliveries.failedCount().catch(() => null);
    return { storage_reachable: true, operation_status: status, notifications: { failed_deliveries: failed } };
  }
}

function elapsed(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}
