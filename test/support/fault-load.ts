import { isDeepStrictEqual } from 'node:util';
import { lastSegment, ZaqarClient } from '../e2e/client';

/** One request a load sent, as its sender saw it. */
export interface Outcome {
  what: 'post' | 'claim' | 'delete' | 'read';
  /** The status, or 0 when no answer came (connection refused or reset, or the time bound passed). */
  status: number;
  body: any;
  startedAt: number;
  endedAt: number;
}

export interface FaultLoadOptions {
  producers: number;
  /** Whether a consumer claims messages and deletes them with their claim id. */
  consumer: boolean;
  /** A request without an answer by then is recorded with status 0: the server hung. */
  timeoutMs: number;
  /** Bytes of filler in each message body (to fill a disk sooner). */
  padding?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Producers posting one message at a time to one queue (and a consumer claiming and deleting)
 * until `stop`, through a store fault. Records every answer, and what the server acknowledged:
 * each message answered 201 with its body, each delete answered 204, each delete tried.
 */
export class FaultLoad {
  readonly outcomes: Outcome[] = [];
  /** Message id → the body posted, for every message answered 201. */
  readonly acknowledged = new Map<string, unknown>();
  /** Messages whose delete answered 204: they must be gone. */
  readonly deleted = new Set<string>();
  /** Messages a delete was sent for, whatever its answer: a missing one of these was not lost. */
  readonly deleteTried = new Set<string>();
  private stopping = false;
  private readonly running: Promise<void>[];

  constructor(
    private readonly client: ZaqarClient,
    private readonly queue: string,
    private readonly options: FaultLoadOptions,
  ) {
    this.running = Array.from({ length: options.producers }, (_, p) => this.produce(p));
    if (options.consumer) this.running.push(this.consume());
  }

  /** Ends the load once every request in flight has its answer. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.running);
  }

  /** Resolves once `n` more messages have been acknowledged, or rejects after `timeoutMs`. */
  async acknowledgedMore(n: number, timeoutMs: number): Promise<void> {
    const target = this.acknowledged.size + n;
    const deadline = Date.now() + timeoutMs;
    while (this.acknowledged.size < target) {
      if (Date.now() > deadline) throw new Error(`only ${this.acknowledged.size} of ${target} messages acknowledged`);
      await sleep(20);
    }
  }

  /** The first 201 of a post that started at or after `since`. */
  firstPostAckedAfter(since: number): Outcome | undefined {
    return this.outcomes
      .filter((o) => o.what === 'post' && o.status === 201 && o.startedAt >= since)
      .sort((a, b) => a.endedAt - b.endedAt)[0];
  }

  private async produce(p: number): Promise<void> {
    const padding = 'x'.repeat(this.options.padding ?? 0);
    for (let i = 0; !this.stopping; i++) {
      const body = { p, i, padding };
      const res = await this.send('post', 'POST', `/v2/queues/${this.queue}/messages`, { messages: [{ body }] });
      if (res.status === 201) this.acknowledged.set(lastSegment(res.body.resources[0]), body);
      else await sleep(20); // a client backs off a little on an error
    }
  }

  private async consume(): Promise<void> {
    while (!this.stopping) {
      const res = await this.send('claim', 'POST', `/v2/queues/${this.queue}/claims?limit=10`, { ttl: 300, grace: 60 });
      if (res.status !== 201) {
        await sleep(20);
        continue;
      }
      for (const message of res.body.messages as Array<{ href: string }>) {
        const id = lastSegment(message.href);
        this.deleteTried.add(id);
        const deleted = await this.send('delete', 'DELETE', message.href);
        if (deleted.status === 204) this.deleted.add(id);
      }
    }
  }

  private async send(what: Outcome['what'], method: string, path: string, json?: unknown): Promise<Outcome> {
    const startedAt = Date.now();
    let outcome: Outcome;
    try {
      const res = await fetch(new URL(path, this.client.baseUrl), {
        method,
        headers: {
          'X-Project-ID': this.client.project,
          'Client-ID': this.client.clientId,
          'Content-Type': 'application/json',
        },
        body: json === undefined ? undefined : JSON.stringify(json),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      const text = await res.text();
      outcome = { what, status: res.status, body: text ? JSON.parse(text) : null, startedAt, endedAt: Date.now() };
    } catch (error) {
      outcome = { what, status: 0, body: String(error), startedAt, endedAt: Date.now() };
    }
    this.outcomes.push(outcome);
    return outcome;
  }
}

/** Every message of the queue (claimed or not, the client's own included): id → body. */
export async function readQueue(client: ZaqarClient, queue: string): Promise<Map<string, unknown>> {
  const stored = new Map<string, unknown>();
  let path = `/v2/queues/${queue}/messages?echo=true&include_claimed=true&limit=20`;
  for (;;) {
    const res = await client.get(path);
    if (res.status !== 200) throw new Error(`listing ${queue}: ${res.status} ${res.text}`);
    if (!res.body.messages.length) return stored;
    for (const message of res.body.messages) stored.set(message.id, message.body);
    path = res.body.links[0].href;
  }
}

/** What the closing table reports of one fault. */
export interface FaultReport {
  requests: number;
  byStatus: Record<string, number>;
  /** Answers with a 5xx other than 503, or none at all: both must be absent. */
  otherFailures: Outcome[];
  /** Acknowledged messages neither stored afterwards nor ever sent a delete. */
  lost: string[];
  /** Messages whose delete answered 204 that are still stored. */
  resurrected: string[];
  /** Acknowledged messages stored with another body than the one posted. */
  altered: string[];
}

export function reportOf(load: FaultLoad, stored: Map<string, unknown>): FaultReport {
  const byStatus: Record<string, number> = {};
  for (const o of load.outcomes) byStatus[`${o.what} ${o.status}`] = (byStatus[`${o.what} ${o.status}`] ?? 0) + 1;
  const acked = [...load.acknowledged];
  return {
    requests: load.outcomes.length,
    byStatus,
    otherFailures: load.outcomes.filter((o) => o.status === 0 || (o.status >= 500 && o.status !== 503)),
    lost: acked.filter(([id]) => !stored.has(id) && !load.deleteTried.has(id)).map(([id]) => id),
    resurrected: [...load.deleted].filter((id) => stored.has(id)),
    altered: acked.filter(([id, body]) => stored.has(id) && !isDeepStrictEqual(stored.get(id), body)).map(([id]) => id),
  };
}
