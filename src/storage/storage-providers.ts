import type { DynamicModule } from '@nestjs/common';
import { openPostgresDriver } from './postgres/postgres.driver';
import { PostgresStorageModule } from './postgres/postgres-storage.module';
import { openSqliteThreadDriver } from './sqlite/sqlite-thread.driver';
import { SqliteStorageModule } from './sqlite/sqlite-storage.module';
import type { SignalChannel } from '../messages/wait/message-signals';
import { PostgresSignalChannel } from './postgres/pg-signal-channel';
import type { StorageDriver } from './storage.contract';

/** One storage back end: its Nest module for STORAGE_URL, and a plain opener for pools. */
export interface StorageProvider {
  module(url: string): DynamicModule;
  open(url: string): Promise<StorageDriver>;
  /**
   * What a flavor of its pools reports, as Zaqar 15 does on Python 3.11: str() of its Capabilities
   * enum members (FIFO 1, CLAIMS 2, DURABILITY 3, AOD 4, HIGH_THROUGHPUT 5).
   */
  capabilities: string[];
  /** How its server processes tell each other of new messages (long polling), when it has a way. */
  signalChannel?(url: string): SignalChannel;
}

const ALL_CAPABILITIES = ['1', '2', '3', '4', '5'];

const SQLITE: StorageProvider = {
  module: (url) => SqliteStorageModule.forRoot(url),
  open: openSqliteThreadDriver,
  capabilities: ALL_CAPABILITIES,
};

const POSTGRES: StorageProvider = {
  module: (url) => PostgresStorageModule.forRoot(url),
  open: openPostgresDriver,
  capabilities: ALL_CAPABILITIES,
  signalChannel: (url) => new PostgresSignalChannel(url),
};

/** URL scheme → the provider that serves it. A new provider adds one line here. */
const PROVIDERS: Record<string, StorageProvider> = { sqlite: SQLITE, postgres: POSTGRES, postgresql: POSTGRES };

export class UnknownStorageScheme extends Error {}

const schemeOf = (url: string) => url.slice(0, Math.max(0, url.indexOf(':')));

/** The provider for the URL's scheme, or null. */
export function findProvider(url: string): StorageProvider | null {
  const scheme = schemeOf(url);
  return Object.hasOwn(PROVIDERS, scheme) ? PROVIDERS[scheme] : null;
}

export function providerFor(url: string): StorageProvider {
  const provider = findProvider(url);
  if (!provider) {
    const scheme = schemeOf(url);
    throw new UnknownStorageScheme(
      `STORAGE_URL scheme "${scheme}" is not one of: ${Object.keys(PROVIDERS).join(', ')}`,
    );
  }
  return provider;
}
