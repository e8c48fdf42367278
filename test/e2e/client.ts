import { randomUUID } from 'node:crypto';

/** What a test sees of one HTTP exchange. */
export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  /** The parsed JSON body, or null when the body is empty or not JSON. */
  body: T;
  /** The raw body text, for bodies that are not JSON. */
  text: string;
}

export interface RequestOptions {
  /** Query parameters, appended in the order given. */
  query?: Record<string, string | number | boolean>;
  /** A value sent as JSON. */
  json?: unknown;
  /** A body sent byte for byte (malformed JSON, empty bodies, bytes that are not UTF-8). */
  raw?: string | Uint8Array;
  /** Extra headers; null removes one of the defaults (e.g. `{ 'Client-ID': null }`). */
  headers?: Record<string, string | null>;
  /** Gives up (the request rejects) when no answer came within this time. */
  timeoutMs?: number;
}

/** The media type Zaqar v2 requires for a queue PATCH. */
export const JSON_PATCH = 'application/openstack-messaging-v2.0-json-patch';

export function newProjectId(): string {
  return `e2e-${randomUUID()}`;
}

/**
 * A Zaqar client bound to one project and one Client-ID, speaking plain HTTP through fetch.
 * Every answer is checked for a server error first: bad input must never produce a 5xx.
 */
export class ZaqarClient {
  constructor(
    readonly baseUrl: string,
    readonly project: string = newProjectId(),
    readonly clientId: string = randomUUID(),
    /** Sent as X-Roles (noauth reads the caller's roles from it) when set. */
    readonly roles?: string,
  ) {}

  /** The same caller with these roles: `withRoles('admin')` for the admin API (pools, flavor writes). */
  withRoles(roles: string): ZaqarClient {
    return new ZaqarClient(this.baseUrl, this.project, this.clientId, roles);
  }

  /** Another worker (another Client-ID) in the same project. */
  worker(clientId: string = randomUUID()): ZaqarClient {
    return new ZaqarClient(this.baseUrl, this.project, clientId);
  }

  /** The same project through another server process, as another worker. */
  on(baseUrl: string): ZaqarClient {
    return new ZaqarClient(baseUrl, this.project);
  }

  /** The same Client-ID in a different, fresh project. */
  otherProject(project: string = newProjectId()): ZaqarClient {
    return new ZaqarClient(this.baseUrl, project, this.clientId);
  }

  async request<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const url = new URL(path, this.baseUrl);
    const extra = Object.entries(options.query ?? {}).map(([key, value]) => `${encode(key)}=${encode(String(value))}`);
    if (extra.length > 0) url.search = [url.search.replace(/^\?/, ''), ...extra].filter(Boolean).join('&');
    const headers: Record<string, string> = {};
    const wanted: Record<string, string | null> = {
      'X-Project-ID': this.project,
      'Client-ID': this.clientId,
      'Content-Type': 'application/json',
      ...(this.roles === undefined ? {} : { 'X-Roles': this.roles }),
      ...options.headers,
    };
    for (const [name, value] of Object.entries(wanted)) if (value !== null) headers[name] = value;
    const body =
      options.raw !== undefined ? options.raw : options.json !== undefined ? JSON.stringify(options.json) : undefined;
    const signal = options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs);
    const res = await fetch(url, { method, headers, body, signal });
    const text = await res.text();
    let parsed: any = null;
    if (text.length > 0) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = null;
      }
    }
    if (res.status >= 500) {
      throw new Error(`server error ${res.status} for ${method} ${url.pathname}${url.search}: ${text}`);
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  }

  get<T = any>(path: string, options?: RequestOptions) {
    return this.request<T>('GET', path, options);
  }
  head(path: string, options?: RequestOptions) {
    return this.request('HEAD', path, options);
  }
  put<T = any>(path: string, options?: RequestOptions) {
    return this.request<T>('PUT', path, options);
  }
  post<T = any>(path: string, options?: RequestOptions) {
    return this.request<T>('POST', path, options);
  }
  patch<T = any>(path: string, options?: RequestOptions) {
    return this.request<T>('PATCH', path, options);
  }
  delete<T = any>(path: string, options?: RequestOptions) {
    return this.request<T>('DELETE', path, options);
  }

  // ---- shortcuts for the set-up steps most tests share --------------------------------------------

  /** Creates a queue (PUT) and expects 201. */
  async createQueue(name: string, metadata?: Record<string, unknown>): Promise<void> {
    const res = await this.put(`/v2/queues/${name}`, metadata === undefined ? {} : { json: metadata });
    if (res.status !== 201) throw new Error(`creating queue ${name}: ${res.status} ${res.text}`);
  }

  /** Posts messages and returns their ids in the order posted. */
  async postMessages(queue: string, messages: Array<Record<string, unknown>>): Promise<string[]> {
    const res = await this.post(`/v2/queues/${queue}/messages`, { json: { messages } });
    if (res.status !== 201) throw new Error(`posting to ${queue}: ${res.status} ${res.text}`);
    return (res.body.resources as string[]).map(lastSegment);
  }

  /** Subscribes to a queue and returns the subscription id (201 expected). */
  async subscribe(queue: string, subscription: Record<string, unknown>): Promise<string> {
    const res = await this.post(`/v2/queues/${queue}/subscriptions`, { json: subscription });
    if (res.status !== 201) throw new Error(`subscribing to ${queue}: ${res.status} ${res.text}`);
    return res.body.subscription_id;
  }

  /** Claims messages; returns the claim id (null on 204) and the claimed messages. */
  async claim(
    queue: string,
    meta: Record<string, unknown> = { ttl: 300, grace: 60 },
    limit?: number,
  ): Promise<{ claimId: string | null; messages: any[] }> {
    const res = await this.post(`/v2/queues/${queue}/claims`, {
      json: meta,
      query: limit === undefined ? undefined : { limit },
    });
    if (res.status === 204) return { claimId: null, messages: [] };
    if (res.status !== 201) throw new Error(`claiming from ${queue}: ${res.status} ${res.text}`);
    return { claimId: lastSegment(res.headers.get('location')!), messages: res.body.messages };
  }
}

/** Percent-encodes a query component but keeps commas: Zaqar splits `ids=a,b` on literal commas only. */
function encode(component: string): string {
  return encodeURIComponent(component).replace(/%2C/g, ',');
}

/** The last path segment of an href, without its query: a message, claim or queue id. */
export function lastSegment(href: string): string {
  const path = href.split('?')[0];
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Splits an href into its path and query parameters, so links compare without caring for parameter order. */
export function parseHref(href: string): { path: string; query: Record<string, string> } {
  const url = new URL(href, 'http://x');
  return { path: url.pathname, query: Object.fromEntries(url.searchParams) };
}
