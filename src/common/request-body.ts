import { InvalidRequestBody } from './errors';

/** What the body parser leaves for a body that is not JSON; handlers decide when that matters. */
export const MALFORMED_JSON = Symbol('malformed JSON');

/**
 * Parses any request body as JSON without failing the request: Zaqar checks headers and names
 * before it reads the body, so a parse error must surface only when a handler asks for the body.
 * An empty body (real clients send `Content-Type: application/json` on DELETE) is undefined.
 */
export function parseJsonBody(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return MALFORMED_JSON;
  }
}

/** The parsed body, which must be present and well-formed. */
export function requireDocument(body: unknown): unknown {
  if (body === undefined) throw new InvalidRequestBody('Request body can not be empty');
  if (body === MALFORMED_JSON) throw new InvalidRequestBody('Request body could not be parsed.');
  return body;
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The body as a JSON object, or Zaqar's "Document type not supported." */
export function requireObject(body: unknown): Record<string, unknown> {
  const document = requireDocument(body);
  if (!isJsonObject(document)) throw new InvalidRequestBody('Document type not supported.');
  return document;
}

/** Byte length of the request as its Content-Length header gives it (Zaqar's size checks use it). */
export function contentLength(headers: Record<string, string | string[] | undefined>): number | undefined {
  const raw = headers['content-length'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value === undefined ? undefined : Number(value);
}
