import type { IncomingHttpHeaders } from 'node:http';
import { nestedTooDeep, parsedTooDeep } from '../common/json-depth';
import { isJsonObject } from '../common/request-body';

/**
 * Zaqar's WebSocket JSON protocol, framing only: a request is `{action, headers, body}`, and every
 * answer is `{request, body, headers: {status}}` with the request echoed (zaqar/common/api).
 */

export type FrameHeaders = Record<string, unknown>;

export interface ZaqarRequest {
  action: string | null;
  headers: FrameHeaders;
  body: Record<string, unknown>;
}

export interface ZaqarResponse {
  request: ZaqarRequest & { api: 'v2' };
  body: unknown;
  headers: { status: number };
}

const EMPTY: ZaqarRequest = { action: null, headers: {}, body: {} };

export function response(request: ZaqarRequest, status: number, body: unknown): ZaqarResponse {
  return { request: { ...request, api: 'v2' }, body, headers: { status } };
}

/** A frame that decoded: its request, and whether its headers and body are objects (the schema's first demand). */
export interface ParsedFrame {
  request: ZaqarRequest;
  wellFormed: boolean;
}

/**
 * A text frame as a request, or the answer Zaqar gives to a frame it cannot read. A frame over
 * `maxBytes` is answered unread (the server's largest request body, as REST refuses one).
 */
export function parseFrame(data: Buffer, isBinary: boolean, maxBytes = Infinity): ParsedFrame | ZaqarResponse {
  if (data.length > maxBytes) {
    return response(EMPTY, 400, { error: `Frame too large: a request may have at most ${maxBytes} bytes.` });
  }
  if (isBinary) {
    // Zaqar reads binary frames as MessagePack; this server speaks the JSON flavour only.
    return response(EMPTY, 400, { error: "Can't decode binary (MessagePack) request. Send JSON text frames." });
  }
  let payload: unknown;
  const text = data.toString('utf8');
  try {
    payload = JSON.parse(text);
  } catch (error) {
    return response(EMPTY, 400, { error: `Can't decode text (JSON) request. ${(error as Error).message}` });
  }
  if (!isJsonObject(payload)) {
    return response(EMPTY, 400, { error: 'Unexpected body type. Expected dict or dict like.' });
  }
  return requestOf(
    typeof payload.action === 'string' ? payload.action : null,
    payload,
    parsedTooDeep(payload, text.length),
  );
}

/**
 * The request an action's payload makes, from a frame or a Socket.IO event: headers and body taken
 * when they are objects; well formed only if the payload is an object whose headers and body, when
 * given, are objects. A payload nested too deep is taken as empty: its answer echoes the request,
 * and writing that echo would overflow the stack. A frame's parser tells `tooDeep` from its text.
 */
export function requestOf(action: string | null, payload: unknown, tooDeep = nestedTooDeep(payload)): ParsedFrame {
  if (tooDeep) return { request: { ...EMPTY, action }, wellFormed: false };
  const parts = isJsonObject(payload) ? payload : {};
  const request = {
    action,
    headers: isJsonObject(parts.headers) ? parts.headers : {},
    body: isJsonObject(parts.body) ? parts.body : {},
  };
  const wellFormed =
    isJsonObject(payload) && [parts.headers, parts.body].every((part) => part === undefined || isJsonObject(part));
  return { request, wellFormed };
}

export function isResponse(parsed: ParsedFrame | ZaqarResponse): parsed is ZaqarResponse {
  return !('wellFormed' in parsed);
}

/** A frame's text headers under the lower-case names the shared checks (REST's) read. */
export function frameHeaders(headers: FrameHeaders): IncomingHttpHeaders {
  const lowered: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === 'string') lowered[name.toLowerCase()] = value;
  }
  return lowered;
}
