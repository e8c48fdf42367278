import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import type { Signal, SignalChannel } from '../../messages/wait/message-signals';
import { decodeSignals, encodeSignals } from '../../messages/wait/signal-codec';

const CHANNEL = 'zaqar_message_signals';
/** NOTIFY payloads stop at 8000 bytes; a tick's signals go in as many as they need. */
const MAX_PAYLOAD = 7_000;
const RECONNECT_MS = 1_000;

/**
 * Signals between the server processes of one PostgreSQL database: LISTEN and NOTIFY on a
 * connection of its own, outside the pool, so waiting holds none of the pool's. A lost connection
 * is made again every second; signals meanwhile are lost, and their waiters find the messages at
 * their next signal or answer empty at their deadline.
 */
export class PostgresSignalChannel implements SignalChannel {
  private readonly logger = new Logger(PostgresSignalChannel.name);
  private client?: Client;
  private closed = false;
  private deliver: (signals: Signal[]) => void = () => undefined;

  constructor(private readonly url: string) {}

  async open(deliver: (signals: Signal[]) => void): Promise<void> {
    this.deliver = deliver;
    await this.connect();
  }

  publish(signals: Signal[]): void {
    const client = this.client;
    if (!client) return;
    for (const payload of payloads(signals)) {
      client.query('SELECT pg_notify($1, $2)', [CHANNEL, payload]).catch((error: Error) => {
        this.logger.warn(`could not publish message signals: ${error.message}`);
      });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.url, application_name: 'zaqar-ts signals' });
    client.on('notification', (message) => {
      if (message.channel === CHANNEL && message.payload) this.deliver(decodeSignals(message.payload));
    });
    client.on('error', (error) => this.lost(client, error));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      this.client = client;
    } catch (error) {
      this.lost(client, error as Error);
    }
  }

  private lost(client: Client, error: Error): void {
    if (this.client === client) this.client = undefined;
    client.end().catch(() => undefined);
    if (this.closed) return;
    this.logger.warn(`message signal connection lost (${error.message}); connecting again in ${RECONNECT_MS} ms`);
    setTimeout(() => void this.connect(), RECONNECT_MS).unref();
  }
}

function* payloads(signals: Signal[]): Generator<string> {
  let batch: Signal[] = [];
  for (const signal of signals) {
    batch.push(signal);
    if (encodeSignals(batch).length > MAX_PAYLOAD && batch.length > 1) {
      batch.pop();
      yield encodeSignals(batch);
      batch = [signal];
    }
  }
  if (batch.length) yield encodeSignals(batch);
}
