/**
 * The load generator: N concurrent workers, each looping one operation over its own HTTP/1.1
 * connection (or WebSocket, socket-connection.ts) for a fixed time, with an exact latency record.
 *
 * Why not autocannon: autocannon 8 writes the next request on a socket as soon as a response ends,
 * so against a server that answers `Connection: close` (the reference Zaqar does, on every request)
 * the request is lost with the socket, its pipeline queue goes out of step and latencies come out
 * around 1 s with hundreds of "errors". This client opens a new connection only when the server
 * closes the old one, exactly like wrk and real keep-alive clients, and costs a few µs per request,
 * the same for every target. Operations can chain requests (claim, then delete what was claimed).
 */
import * as net from 'node:net';
import { performance } from 'node:perf_hooks';

export interface HttpResponse {
  status: number;
  /** Only when the request asked for it; otherwise the body is read and dropped. */
  body: Buffer | null;
  location: string | null;
}

/** A request serialised once; connections just write the bytes. */
export function buildRequest(method: string, path: string, headers: string, body?: string): Buffer {
  let head = `${method} ${path} HTTP/1.1\r\n${headers}`;
  if (body !== undefined) {
    head += `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  } else if (method === 'GET' || method === 'HEAD') {
    head += '\r\n';
  } else {
    // python-requests (and so python-zaqarclient) sends this for a body-less DELETE
    head += 'Content-Length: 0\r\n\r\n';
  }
  return Buffer.from(head, 'latin1');
}

/** Header lines (each ending in CRLF) sent with every request of a target. */
export function headerBlock(host: string, headers: Record<string, string>): string {
  let block = `Host: ${host}\r\n`;
  for (const [name, value] of Object.entries(headers)) block += `${name}: ${value}\r\n`;
  return block;
}

interface Pending {
  resolve(res: HttpResponse): void;
  reject(err: Error): void;
  wantBody: boolean;
  startedAt: number;
  headBytes: Buffer | null;
  status: number;
  location: string | null;
  close: boolean;
  /** -1: read to end of stream; -2: chunked. */
  remaining: number;
  body: Buffer[];
  inBody: boolean;
  chunkState: Buffer | null;
}

const CRLFCRLF = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');

/** What the load runner needs of a connection, whatever it speaks (HTTP/1.1, a WebSocket). */
export interface LoadConnection {
  /** When the request in flight was sent, or null. */
  readonly startedAt: number | null;
  /** Where each answered request's latency goes, when someone is counting (a measured run). */
  requestLatency: LatencyRecord | null;
  /** Fails the request in flight (the watchdog's timeout) and drops the connection. */
  abort(reason: string): void;
  close(): void;
}

/** One keep-alive HTTP/1.1 connection, reopened whenever the server closes it. */
export class HttpConnection implements LoadConnection {
  private socket: net.Socket | null = null;
  private pending: Pending | null = null;
  /** Where each answered request's latency goes, when someone is counting (a measured run). */
  requestLatency: LatencyRecord | null = null;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  get startedAt(): number | null {
    return this.pending ? this.pending.startedAt : null;
  }

  request(bytes: Buffer, wantBody = false): Promise<HttpResponse> {
    return new Promise<HttpResponse>((resolve, reject) => {
      this.pending = {
        resolve,
        reject,
        wantBody,
        startedAt: performance.now(),
        headBytes: null,
        status: 0,
        location: null,
        close: false,
        remaining: 0,
        body: [],
        inBody: false,
        chunkState: null,
      };
      const socket = this.socket ?? this.open();
      socket.write(bytes);
    });
  }

  /** Fails the request in flight (the watchdog's timeout) and drops the connection. */
  abort(reason: string): void {
    this.fail(new Error(reason));
  }

  close(): void {
    this.socket?.destroy();
    this.socket = null;
  }

  private open(): net.Socket {
    const socket = net.connect({ host: this.host, port: this.port, noDelay: true });
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => {
      if (this.socket === socket) this.fail(err);
    });
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      const p = this.pending;
      if (p && p.inBody && p.remaining === -1) this.finish(p);
      else if (p) this.fail(new Error('connection closed before the response ended'));
    });
    return socket;
  }

  private fail(err: Error): void {
    const p = this.pending;
    this.pending = null;
    this.socket?.destroy();
    this.socket = null;
    p?.reject(err);
  }

  private finish(p: Pending): void {
    this.pending = null;
    this.requestLatency?.add(performance.now() - p.startedAt);
    if (p.close) {
      this.socket?.destroy();
      this.socket = null;
    }
    p.resolve({
      status: p.status,
      body: p.wantBody ? Buffer.concat(p.body) : null,
      location: p.location,
    });
  }

  private onData(chunk: Buffer): void {
    const p = this.pending;
    if (!p) {
      this.fail(new Error('bytes received with no request in flight'));
      return;
    }
    if (!p.inBody) {
      const head = p.headBytes ? Buffer.concat([p.headBytes, chunk]) : chunk;
      const end = head.indexOf(CRLFCRLF);
      if (end < 0) {
        p.headBytes = head;
        return;
      }
      p.headBytes = null;
      if (!this.parseHead(p, head.toString('latin1', 0, end))) return;
      p.inBody = true;
      chunk = head.subarray(end + 4);
      if (p.remaining === 0) {
        if (chunk.length > 0) this.fail(new Error('unexpected bytes after a response'));
        else this.finish(p);
        return;
      }
    }
    this.onBody(p, chunk);
  }

  /** False when the head was unusable (the request has then failed). */
  private parseHead(p: Pending, head: string): boolean {
    const lines = head.split('\r\n');
    const statusLine = lines[0];
    const status = Number(statusLine.slice(9, 12));
    if (!statusLine.startsWith('HTTP/1.') || !(status >= 100)) {
      this.fail(new Error(`bad status line: ${statusLine.slice(0, 80)}`));
      return false;
    }
    p.status = status;
    p.close = statusLine.startsWith('HTTP/1.0');
    let length = -1;
    let chunked = false;
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i];
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const name = line.slice(0, colon).toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'content-length') length = Number(value);
      else if (name === 'transfer-encoding') chunked = value.toLowerCase().includes('chunked');
      else if (name === 'connection') p.close = value.toLowerCase() === 'close';
      else if (name === 'location') p.location = value;
    }
    if (status === 204 || status === 304 || status < 200) p.remaining = 0;
    else if (chunked) p.remaining = -2;
    else if (length >= 0) p.remaining = length;
    else {
      p.remaining = -1;
      p.close = true;
    }
    return true;
  }

  private onBody(p: Pending, chunk: Buffer): void {
    if (p.remaining === -1) {
      if (p.wantBody) p.body.push(chunk);
      return;
    }
    if (p.remaining === -2) {
      this.onChunked(p, chunk);
      return;
    }
    if (chunk.length > p.remaining) {
      this.fail(new Error('unexpected bytes after a response'));
      return;
    }
    if (p.wantBody) p.body.push(chunk);
    p.remaining -= chunk.length;
    if (p.remaining === 0) this.finish(p);
  }

  /** Chunked transfer coding, kept simple: buffer until whole chunks can be cut off. */
  private onChunked(p: Pending, chunk: Buffer): void {
    let buf = p.chunkState ? Buffer.concat([p.chunkState, chunk]) : chunk;
    for (;;) {
      const eol = buf.indexOf(CRLF);
      if (eol < 0) break;
      const size = parseInt(buf.toString('latin1', 0, eol), 16);
      if (Number.isNaN(size)) {
        this.fail(new Error('bad chunk size'));
        return;
      }
      if (size === 0) {
        // last chunk; no trailers expected from these servers
        if (buf.length < eol + 4) break;
        this.finish(p);
        return;
      }
      if (buf.length < eol + 2 + size + 2) break;
      if (p.wantBody) p.body.push(buf.subarray(eol + 2, eol + 2 + size));
      buf = buf.subarray(eol + 2 + size + 2);
    }
    p.chunkState = buf.length > 0 ? buf : null;
  }
}

/** Exact latencies (ms) of one run; sorted once when percentiles are read. */
export class LatencyRecord {
  private values = new Float64Array(1 << 16);
  private n = 0;
  private sorted = false;

  add(ms: number): void {
    if (this.n === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.n++] = ms;
    this.sorted = false;
  }

  get count(): number {
    return this.n;
  }

  percentile(p: number): number {
    if (this.n === 0) return NaN;
    if (!this.sorted) {
      this.values.subarray(0, this.n).sort();
      this.sorted = true;
    }
    return this.values[Math.min(this.n - 1, Math.ceil((p / 100) * this.n) - 1)];
  }
}

/** What one operation did; an operation is one request or a chain of them (claim + delete). */
export interface OpOutcome {
  requests: number;
  non2xx: number;
  messages: number;
  /** The operation had nothing to work on (a claim that answered 204): not counted as done. */
  empty?: boolean;
}

/** One operation on the given connection; throws on transport failure (counted as an error). */
export type Operation<C extends LoadConnection = HttpConnection> = (conn: C) => Promise<OpOutcome>;

export interface LoadResult {
  elapsedMs: number;
  ops: number;
  requests: number;
  messages: number;
  non2xx: number;
  errors: number;
  empty: number;
  /** Per operation: for a chain (claim, then delete) the whole chain. */
  latency: LatencyRecord;
  /** Per HTTP request, whatever operation it was part of. */
  requestLatency: LatencyRecord;
  /** CPU time this process (the load generator) spent, to show its overhead. */
  clientCpuMs: number;
  /** The first few distinct failure descriptions, for the report. */
  errorSamples: string[];
}

export interface LoadOptions<C extends LoadConnection> {
  /** A new connection; it connects on its first request. */
  connect: () => C;
  connections: number;
  durationMs: number;
  timeoutMs: number;
  /** Checked before each operation: ends the run early (a probe that found the queue empty). */
  stopWhen?: (result: LoadResult) => boolean;
}

/** Shared by operations and the runner: the first few distinct failures, for the report. */
export class FailureLog {
  readonly samples: string[] = [];
  note(text: string): void {
    if (this.samples.length < 5 && !this.samples.includes(text)) this.samples.push(text);
  }
}

/** Runs `op` in a loop on `connections` connections until the time is up. */
export async function runLoad<C extends LoadConnection>(
  options: LoadOptions<C>,
  op: Operation<C>,
  log = new FailureLog(),
): Promise<LoadResult> {
  const conns = Array.from({ length: options.connections }, options.connect);
  const result: LoadResult = {
    elapsedMs: 0,
    ops: 0,
    requests: 0,
    messages: 0,
    non2xx: 0,
    errors: 0,
    empty: 0,
    latency: new LatencyRecord(),
    requestLatency: new LatencyRecord(),
    clientCpuMs: 0,
    errorSamples: log.samples,
  };
  for (const conn of conns) conn.requestLatency = result.requestLatency;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const deadline = start + options.durationMs;
  const watchdog = setInterval(() => {
    const now = performance.now();
    for (const conn of conns) {
      const t = conn.startedAt;
      if (t !== null && now - t > options.timeoutMs) conn.abort(`timeout after ${options.timeoutMs} ms`);
    }
  }, 250);

  const worker = async (conn: C): Promise<void> => {
    while (performance.now() < deadline && !options.stopWhen?.(result)) {
      const t0 = performance.now();
      try {
        const outcome = await op(conn);
        result.requests += outcome.requests;
        result.non2xx += outcome.non2xx;
        if (outcome.empty) {
          result.empty++;
          continue;
        }
        result.latency.add(performance.now() - t0);
        result.ops++;
        result.messages += outcome.messages;
      } catch (err) {
        result.errors++;
        log.note(`error: ${(err as Error).message}`);
        conn.close();
        // don't spin on a refused connection
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  };
  await Promise.all(conns.map(worker));
  result.elapsedMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  result.clientCpuMs = (used.user + used.system) / 1000;
  clearInterval(watchdog);
  for (const conn of conns) conn.close();
  return result;
}

/** Runs `task` over items with at most `concurrency` in flight (prefills, clean-ups). */
export async function forEachConcurrent<T>(
  items: T[],
  concurrency: number,
  task: (item: T, worker: number, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async (_, lane) => {
    while (next < items.length) {
      const index = next++;
      await task(items[index], lane, index);
    }
  });
  await Promise.all(lanes);
}
