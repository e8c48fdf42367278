import * as http from 'node:http';

/** What a test sees of one raw exchange: status, the body as text and as JSON (null if it is none). */
export interface RawReply {
  status: number;
  text: string;
  body: any;
}

/** A request as node:http sends it, raw: a path with a `#` tail, or repeated headers, reach the server as written. */
export function rawRequest(
  baseUrl: string,
  method: string,
  target: string,
  headers: Array<[string, string]>,
  body?: unknown,
) {
  const url = new URL(baseUrl);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const sized: Array<[string, string]> = [
    ['Content-Type', 'application/json'],
    ['Content-Length', String(Buffer.byteLength(payload ?? ''))],
  ];
  const lines = [...headers, ...(payload ? sized : [])];
  return new Promise<RawReply>((resolve, reject) => {
    const req = http.request(
      // a list of headers, sent as given (repeats too); node:http adds no Host to one
      { host: url.hostname, port: url.port, method, path: target, headers: [['Host', url.host], ...lines].flat() },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk) => (text += chunk));
        res.on('end', () => {
          let parsed: unknown = null;
          try {
            parsed = text ? JSON.parse(text) : null;
          } catch {
            parsed = null;
          }
          resolve({ status: res.statusCode!, body: parsed, text });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
