import { randomUUID } from 'node:crypto';
import { startServer, StartedServer } from '../support/server';

/** What a test sees of one HTTP exchange. */
export interface Reply {
  status: number;
  headers: Headers;
  /** Parsed JSON, or null for an empty (or non-JSON) body. */
  body: any;
  text: string;
}

/** Header values; null leaves a header out (e.g. a Client-ID the caller would otherwise send). */
export type HeaderSet = Record<string, string | null | undefined>;

export const JSON_PATCH = 'application/openstack-messaging-v2.0-json-patch';

/**
 * One caller of the API: a fixed set of headers (identity, a Client-ID of its own) and plain fetch.
 * Unlike the other e2e clients it does not throw on a 5xx: the identity suites assert 503s on purpose.
 */
export class Caller {
  readonly headers: HeaderSet;

  constructor(
    readonly baseUrl: string,
    headers: HeaderSet = {},
  ) {
    this.headers = { 'Client-ID': randomUUID(), ...headers };
  }

  /** The same caller with some headers added, replaced or (null) removed. */
  with(headers: HeaderSet): Caller {
    return new Caller(this.baseUrl, { ...this.headers, ...headers });
  }

  async request(method: string, path: string, json?: unknown, headers: HeaderSet = {}): Promise<Reply> {
    const sent: Record<string, string> = {};
    const wanted: HeaderSet = {
      ...(json === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...this.headers,
      ...headers,
    };
    for (const [name, value] of Object.entries(wanted)) if (value !== null && value !== undefined) sent[name] = value;
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: sent,
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    const text = await res.text();
    let body: any = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = null;
    }
    return { status: res.status, headers: res.headers, body, text };
  }

  get(path: string, headers?: HeaderSet) {
    return this.request('GET', path, undefined, headers);
  }
  put(path: string, json?: unknown) {
    return this.request('PUT', path, json);
  }
  post(path: string, json?: unknown, headers?: HeaderSet) {
    return this.request('POST', path, json, headers);
  }
  delete(path: string, headers?: HeaderSet) {
    return this.request('DELETE', path, undefined, headers);
  }
  /** A queue metadata PATCH, in the media type Zaqar v2 requires. */
  patchQueue(queue: string, operations: unknown[]) {
    return this.request('PATCH', `/v2/queues/${queue}`, operations, { 'Content-Type': JSON_PATCH });
  }

  // ---- set-up steps; each throws unless the server answers as a working one does ----------------

  async createQueue(queue: string, metadata: Record<string, unknown> = {}): Promise<void> {
    expectStatus(await this.put(`/v2/queues/${queue}`, metadata), 201, `creating queue ${queue}`);
  }

  /** Posts the bodies (ttl 300 s) and returns the message ids in order. */
  async postMessages(queue: string, bodies: unknown[]): Promise<string[]> {
    const reply = await this.post(`/v2/queues/${queue}/messages`, {
      messages: bodies.map((body) => ({ body, ttl: 300 })),
    });
    expectStatus(reply, 201, `posting to ${queue}`);
    return (reply.body.resources as string[]).map(lastSegment);
  }

  /** Claims `limit` messages for 300 s; returns the claim id and the claimed message ids. */
  async claim(queue: string, limit: number): Promise<{ claimId: string; messageIds: string[] }> {
    const reply = await this.post(`/v2/queues/${queue}/claims?limit=${limit}`, { ttl: 300, grace: 60 });
    expectStatus(reply, 201, `claiming from ${queue}`);
    return {
      claimId: lastSegment(reply.headers.get('location')!),
      messageIds: (reply.body.messages as Array<{ id: string }>).map((m) => m.id),
    };
  }
}

function expectStatus(reply: Reply, status: number, what: string): void {
  if (reply.status !== status) throw new Error(`${what}: expected ${status}, got ${reply.status} ${reply.text}`);
}

/** Trusted-header identity of the noauth strategy. */
export function noauth(project: string, roles: readonly string[] = []): HeaderSet {
  return { 'X-Project-ID': project, 'X-Roles': roles.length ? roles.join(',') : null };
}

/** Zaqar's error body. */
export function zaqarError(title: string, description: string): { title: string; description: string } {
  return { title, description };
}

/** The 403 of a policy denial, naming the action as Zaqar does. */
export function policyDenied(action: string) {
  return zaqarError('Not authorized', `${action} is disallowed by policy.`);
}

/** The last path segment of an href or Location, without its query. */
export function lastSegment(href: string): string {
  const bare = href.split('?')[0];
  return bare.slice(bare.lastIndexOf('/') + 1);
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls `probe` every `everyMs` until `done(result)` or `timeoutMs`; returns the last result and when. */
export async function pollUntil<T>(
  probe: () => Promise<T>,
  done: (result: T) => boolean,
  timeoutMs: number,
  everyMs = 50,
): Promise<{ result: T; elapsedMs: number }> {
  const started = Date.now();
  for (;;) {
    const result = await probe();
    const elapsedMs = Date.now() - started;
    if (done(result) || elapsedMs >= timeoutMs) return { result, elapsedMs };
    await sleep(everyMs);
  }
}

/** Our server with extra environment (auth mode, policy file); the launcher waits on GET /, which needs no credentials. */
export function startServerAnyAuth(storageUrl: string, env: Record<string, string>): Promise<StartedServer> {
  return startServer({ storageUrl, env });
}
