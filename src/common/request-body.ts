import { isUtf8 } from 'node:buffer';
import { InvalidRequestBody } from './errors';
import { parsedTooDeep } from './json-depth';
import { hasOverflowingInteger } from './json-integers';

/** What the body parser leaves for a body that is not a JSON object or array; handlers decide when that matters. */
export const MALFORMED_JSON = Symbol('malformed JSON');
/** What it leaves for JSON with an integer Zaqar cannot hold (beyond signed 64 bits). */
export const OVERFLOWED_INTEGER = Symbol('overflowed JSON integer');

/**
 * Parses any request body as JSON without failing the request: Zaqar checks headers and names
 * before it reads the body, so a parse error must surface only when a handler asks for the body.
 * An empty body (real clients send `Content-Type: application/json` on DELETE) is undefined. As
 * in Zaqar, only an object or an array is a document; invalid UTF-8, bare scalars and documents
 * nested deeper than Zaqar's json.loads can read are malformed.
 */
export function parseJsonBody(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  if (!isUtf8(raw)) return MALFORMED_JSON;
  const text = raw.toString('utf8');
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return MALFORMED_JSON;
  }
  if (typeof document !== 'object' || document === null) return MALFORMED_JSON;
  if (parsedTooDeep(document, text.length)) return MALFORMED_JSON;
  return hasOverflowingInteger(text) ? OVERFLOWED_INTEGER : document;
}

/**
 * The parsed body, which must be present and well-formed. Zaqar tells a request without a body
 * (no Content-Length) from an empty one (Content-Length: 0, which does not parse).
 */
export function requireDocument(body: unknown, length: number | undefined): object {
  if (body === undefined && length === undefined) throw new InvalidRequestBody('Request body can not be empty');
  if (body === undefined || body === MALFORMED_JSON) throw new InvalidRequestBody('Request body could not be parsed.');
  if (body === OVERFLOWED_INTEGER) throw new InvalidRequestBody('JSON contains integer that is too large.');
  return body as object;
}

/**
 * The parsed body as Zaqar's pools and flavors resources read it (wsgi_utils.load, not the
 * deserialize of the other resources): no body, an empty one and bad JSON all get one message.
 */
export function loadDocument(body: unknown): object {
  if (body === undefined || body === MALFORMED_JSON || body === OVERFLOWED_INTEGER) {
    throw new InvalidRequestBody('JSON could not be parsed.');
  }
  return body as object;
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The body as a JSON object, or Zaqar's "Document type not supported." */
export function requireObject(body: unknown, length: number | undefined): Record<string, unknown> {
  const document = requireDocument(body, length);
  if (!isJsonObject(document)) throw new InvalidRequestBody('Document type not supported.');
  return document;
}

/** Byte length of the request as its Content-Length header gives it (Zaqar's size checks use it). */
export function contentLength(headers: Record<string, string | string[] | undefined>): number | undefined {
  const raw = headers['content-length'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value === undefined ? undefined : Number(value);
}
