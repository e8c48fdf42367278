import * as net from 'node:net';
import type { HttpBody, HttpCase, Written } from './http-cases';
import { type FuzzJson, jsonText, resolved } from './json-text';
import type { Known } from './known';

/** A request as it goes on the wire; `target` and header values are byte strings (one char a byte). */
export interface WireRequest {
  method: string;
  target: string;
  headers: Array<[string, string]>;
  body?: Buffer;
  framing: HttpCase['framing'];
  framingDetail?: string;
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** What became of a request: an answer, a connection ended with none, no answer in time, or no connection. */
export type Outcome =
  | { kind: 'answer'; answer: Answer; via: 'fetch' | 'raw' }
  | { kind: 'closed'; via: 'fetch' | 'raw'; detail: string }
  | { kind: 'timeout'; via: 'fetch' | 'raw' }
  | { kind: 'refused'; via: 'fetch' | 'raw'; detail: string };

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** Percent-encodes every byte of the text's UTF-8 but the unreserved ones (lone surrogates become U+FFFD). */
function percentEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += UNRESERVED.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The text's UTF-8 bytes, one char each. */
const bytesOf = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

const textOf = (value: FuzzJson) => (typeof value === 'string' ? value : jsonText(value));

function write(w: Written, known: Known): string {
  const text = textOf(resolved(w.value, known));
  switch (w.encoding) {
    case 'component':
      return percentEncode(text);
    case 'verbatim':
      // reserved characters (/ ? # % &) stay as they are; what cannot stand in a request line is escaped
      return bytesOf(text).replace(/[\x00-\x20\x7f-\xff]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
    case 'raw-bytes':
      return bytesOf(text);
    case 'bad-percent': {
      const encoded = percentEncode(text);
      const at = Math.floor(encoded.length / 2);
      return encoded.slice(0, at) + w.escape + encoded.slice(at);
    }
  }
}

function damaged(text: string, damage: Extract<HttpBody, { json: unknown }>['damage']): Buffer {
  switch (damage) {
    case 'none':
      return Buffer.from(text, 'utf8');
    case 'truncate':
      return Buffer.from(text.slice(0, Math.floor(text.length / 2)), 'utf8');
    case 'invalid-utf8': {
      const at = text.indexOf('"') + 1;
      return Buffer.concat([
        Buffer.from(text.slice(0, at)),
        Buffer.from([0xff, 0xc0, 0xaf, 0xed, 0xa0, 0x80]),
        Buffer.from(text.slice(at)),
      ]);
    }
    case 'bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    case 'trailing-garbage':
      return Buffer.from(`${text} x`, 'utf8');
    case 'duplicate-key':
      return Buffer.from(text.replace(/^\{("(?:[^"\\]|\\.)*"):/, '{$1:null,$1:'), 'utf8');
  }
}

function bodyBytes(body: HttpBody, known: Known): Buffer {
  if ('json' in body) return damaged(jsonText(resolved(body.json, known)), body.damage);
  if ('text' in body) return Buffer.from(body.text, 'utf8');
  return Buffer.from(body.bytes);
}

/** The case with every known id chosen and every part written out. */
export function wireRequest(c: HttpCase, known: Known): WireRequest {
  const path = c.segments.map((part) => (typeof part === 'string' ? part : write(part, known))).join('') + c.suffix;
  const query = c.query.map(([name, value]) => `${percentEncode(name)}=${write(value, known)}`).join('&');
  return {
    method: c.method,
    target: query ? `${path}${path.includes('?') ? '&' : '?'}${query}` : path,
    headers: c.headers.map(([name, value]) => [name, bytesOf(textOf(resolved(value, known)))]),
    body: c.body && bodyBytes(c.body, known),
    framing: c.framing,
    framingDetail: c.framingDetail,
  };
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Header values fetch sends unchanged: bytes, no control characters, no surrounding blanks. */
const FETCHABLE_VALUE = /^(?:[\x21-\x7e\x80-\xff](?:[\t\x20-\x7e\x80-\xff]*[\x21-\x7e\x80-\xff])?)?$/;
/** Headers fetch sets itself or refuses to send. */
const FETCH_OWNS = [
  'host',
  'content-length',
  'connection',
  'transfer-encoding',
  'keep-alive',
  'upgrade',
  'expect',
  'te',
  'trailer',
];
/** Methods fetch refuses, and those it would upper-case. */
const FETCH_REFUSES = ['CONNECT', 'TRACE', 'TRACK'];
const FETCH_NORMALISES = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'];

/** Whether fetch sends this request byte for byte as meant; if not, a raw socket does. */
function fetchable(w: WireRequest, base: string): boolean {
  if (w.framing !== 'plain') return false;
  const upper = w.method.toUpperCase();
  if (!TOKEN.test(w.method) || FETCH_REFUSES.includes(upper)) return false;
  if (w.method !== upper && FETCH_NORMALISES.includes(upper)) return false;
  if (w.body && (upper === 'GET' || upper === 'HEAD')) return false;
  if (!/^\/[\x21-\x7e]*$/.test(w.target) || w.target.includes('#')) return false;
  if (!URL.canParse(w.target, base)) return false;
  const url = new URL(w.target, base);
  // fetch sends what the URL parser makes of the path: dot segments resolved, characters escaped
  if (url.origin !== base || url.pathname + url.search !== w.target) return false;
  const names = w.headers.map(([name]) => name.toLowerCase());
  if (new Set(names).size !== names.length || names.some((name) => FETCH_OWNS.includes(name))) return false;
  return w.headers.every(([name, value]) => TOKEN.test(name) && FETCHABLE_VALUE.test(value));
}

export async function send(w: WireRequest, port: number, timeoutMs: number): Promise<Outcome> {
  const base = `http://127.0.0.1:${port}`;
  return fetchable(w, base) ? sendByFetch(w, base, timeoutMs) : sendRaw(w, port, timeoutMs);
}

async function sendByFetch(w: WireRequest, base: string, timeoutMs: number): Promise<Outcome> {
  const headers = new Headers();
  for (const [name, value] of w.headers) headers.set(name, value);
  try {
    const res = await fetch(base + w.target, {
      method: w.method,
      headers,
      body: w.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = Buffer.from(await res.arrayBuffer());
    return {
      kind: 'answer',
      via: 'fetch',
      answer: { status: res.status, headers: Object.fromEntries(res.headers), body },
    };
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') return { kind: 'timeout', via: 'fetch' };
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    if (cause?.code === 'ECONNREFUSED') return { kind: 'refused', via: 'fetch', detail: cause.code };
    return {
      kind: 'closed',
      via: 'fetch',
      detail: `${(error as Error).message}: ${cause?.code ?? cause?.message ?? ''}`,
    };
  }
}

/** The bytes a raw socket sends, and whether it then ends its side (the body or head is cut off). */
function rawBytes(w: WireRequest, port: number): { bytes: Buffer; endAfter: boolean } {
  const latin1 = (text: string) => Buffer.from(text, 'latin1');
  if (w.framing === 'garbage') return { bytes: latin1(w.framingDetail ?? ''), endAfter: true };
  const version = w.framing === 'http1.0' ? 'HTTP/1.0' : 'HTTP/1.1';
  let head = `${w.method} ${w.target} ${version}\r\n`;
  if (w.framing !== 'http1.0') head += `Host: 127.0.0.1:${port}\r\n`;
  for (const [name, value] of w.headers) head += `${name}: ${value}\r\n`;
  let body = w.body ?? Buffer.alloc(0);
  let endAfter = false;
  switch (w.framing) {
    case 'plain':
    case 'http1.0':
      if (w.body) head += `Content-Length: ${body.length}\r\n`;
      break;
    case 'cut-short':
      if (!body.length) body = Buffer.from('{"messages": [{"body": 1}]}');
      head += `Content-Length: ${body.length}\r\n`;
      body = body.subarray(0, Math.floor(body.length / 2));
      endAfter = true;
      break;
    case 'chunked': {
      head += 'Transfer-Encoding: chunked\r\n';
      const third = Math.ceil(body.length / 3) || 1;
      const chunks: Buffer[] = [];
      for (let at = 0; at < body.length; at += third) {
        const chunk = body.subarray(at, at + third);
        chunks.push(latin1(`${chunk.length.toString(16)}\r\n`), chunk, latin1('\r\n'));
      }
      body = Buffer.concat([...chunks, latin1('0\r\n\r\n')]);
      break;
    }
    case 'bad-chunked':
      head += 'Transfer-Encoding: chunked\r\n';
      body = Buffer.concat([latin1('zz\r\n'), body, latin1('\r\n0\r\n\r\n')]);
      endAfter = true;
      break;
    case 'bad-length': {
      const detail = w.framingDetail ?? '';
      const length = body.length;
      if (detail === 'both') head += `Content-Length: ${length}\r\nTransfer-Encoding: chunked\r\n`;
      else if (detail === 'two') head += `Content-Length: ${length}\r\nContent-Length: ${length + 1}\r\n`;
      else if (detail === 'short') head += `Content-Length: ${Math.floor(length / 2)}\r\n`;
      else if (detail === 'te-and-cl') head += `Transfer-Encoding: chunked, identity\r\nContent-Length: ${length}\r\n`;
      else head += `Content-Length: ${detail}\r\n`;
      endAfter = true;
      break;
    }
  }
  if (w.framing !== 'http1.0') head += 'Connection: close\r\n';
  return { bytes: Buffer.concat([latin1(`${head}\r\n`), body]), endAfter };
}

function sendRaw(w: WireRequest, port: number, timeoutMs: number): Promise<Outcome> {
  const { bytes, endAfter } = rawBytes(w, port);
  return new Promise((resolve) => {
    const received: Buffer[] = [];
    const socket = net.connect(port, '127.0.0.1');
    let connected = false;
    let settled = false;
    const finish = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ kind: 'timeout', via: 'raw' }), timeoutMs);
    const answered = (atEnd: boolean) => parseResponse(Buffer.concat(received), w.method, atEnd);
    socket.on('connect', () => {
      connected = true;
      socket.write(bytes);
      if (endAfter) socket.end();
    });
    socket.on('data', (chunk) => {
      received.push(chunk);
      const answer = answered(false);
      if (answer) finish({ kind: 'answer', via: 'raw', answer });
    });
    const ended = (detail: string) => {
      const answer = answered(true);
      if (answer) finish({ kind: 'answer', via: 'raw', answer });
      else if (!connected) finish({ kind: 'refused', via: 'raw', detail });
      else
        finish({
          kind: 'closed',
          via: 'raw',
          detail: received.length ? `after ${Buffer.concat(received).toString('latin1').slice(0, 120)}` : detail,
        });
    };
    socket.on('end', () => ended('end'));
    socket.on('close', () => ended('close'));
    socket.on('error', (error: NodeJS.ErrnoException) => ended(error.code ?? error.message));
  });
}

/** The first complete response in `data` (an interim 100 skipped); at the end, whatever body came. */
export function parseResponse(data: Buffer, method: string, atEnd: boolean): Answer | undefined {
  let rest = data;
  for (;;) {
    const headEnd = rest.indexOf('\r\n\r\n');
    if (headEnd < 0) return undefined;
    const lines = rest.subarray(0, headEnd).toString('latin1').split('\r\n');
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]);
    if (!status) return undefined;
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const code = Number(status[1]);
    const body = rest.subarray(headEnd + 4);
    if (code === 100) {
      rest = body;
      continue;
    }
    if (method.toUpperCase() === 'HEAD' || code === 204 || code === 304)
      return { status: code, headers, body: Buffer.alloc(0) };
    if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length']);
      return body.length >= length ? { status: code, headers, body: body.subarray(0, length) } : undefined;
    }
    if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
      const decoded = dechunk(body);
      return decoded ? { status: code, headers, body: decoded } : undefined;
    }
    return atEnd ? { status: code, headers, body } : undefined;
  }
}

function dechunk(data: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (Number.isNaN(size)) return undefined;
    if (size === 0) return Buffer.concat(parts);
    if (data.length < lineEnd + 2 + size + 2) return undefined;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}
