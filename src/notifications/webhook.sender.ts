import * as http from 'node:http';
import * as https from 'node:https';
import type { LookupAddress, LookupOptions } from 'node:dns';
import type { DueDelivery } from '../storage/storage.contract';
import type { DeliveryOutcome } from './delivery-outcome';
import { outgoingMessage } from './outgoing-message';
import { pythonJson } from '../common/python-json';
import { guardedAddress } from './target-guard';
import { SIGNATURE_HEADER, signatureHeader } from './webhook-signature';

/** How much of a receiver's answer is read before the connection is dropped. */
const MAX_RESPONSE_BYTES = 64 * 1024;

export interface WebhookOptions {
  connectMs: number;
  responseMs: number;
  /** Refuse targets on private, loopback and link-local addresses (see target-guard). */
  guard: boolean;
}

/** The body Zaqar's webhook task posts for one delivery, with `options.post_data` as its template. */
export function webhookBody(delivery: DueDelivery): string {
  const message = pythonJson(outgoingMessage(delivery));
  const template = delivery.options.post_data;
  return typeof template === 'string' ? template.split('"$zaqar_message$"').join(message) : message;
}

/**
 * POSTs a delivery to an http(s) or trust+http(s) subscriber, as Zaqar's webhook task does (a trust+
 * one with the trust's token in `authHeaders`, post_headers over it, as Zaqar's trust task), plus
 * what it lacks: timeouts, a signature, and a clear verdict. 2xx is delivered; 408, 429, 5xx, network
 * errors and timeouts are retried; other answers (redirects are not followed) are final.
 */
export async function sendWebhook(
  delivery: DueDelivery,
  options: WebhookOptions,
  now: number,
  authHeaders: Record<string, string> = {},
): Promise<DeliveryOutcome> {
  const body = webhookBody(delivery);
  const target = new URL(delivery.subscriber.replace(/^trust\+/i, ''));
  let pinned: LookupAddress | null = null;
  if (options.guard) {
    try {
      pinned = await guardedAddress(target.hostname);
    } catch (error) {
      return { kind: 'retry', reason: `cannot resolve ${target.hostname}: ${(error as Error).message}` };
    }
    if (!pinned) return { kind: 'rejected', reason: `the target ${target.hostname} is not allowed` };
  }
  const extra = delivery.options.post_headers;
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    ...authHeaders,
    ...(typeof extra === 'object' && extra !== null ? (extra as Record<string, string>) : {}),
    [SIGNATURE_HEADER]: signatureHeader(delivery.secret, body, Math.floor(now / 1000)),
    'Content-Length': String(Buffer.byteLength(body)),
  };
  const client = target.protocol === 'https:' ? https : http;
  return new Promise<DeliveryOutcome>((resolve) => {
    const lookup = pinned && pinLookup(pinned);
    const request = client.request(target, {
      method: 'POST',
      headers,
      timeout: options.connectMs,
      ...(lookup ? { lookup } : {}),
    });
    const fail = (reason: string) => {
      request.destroy();
      resolve({ kind: 'retry', reason });
    };
    // Bounds the whole exchange, connecting included, so the delivery's lease outlasts it.
    const answerTimer = setTimeout(() => fail(`no answer within ${options.responseMs} ms`), options.responseMs);
    request.on('timeout', () => fail(`no connection within ${options.connectMs} ms`));
    request.on('socket', (socket) => socket.once('connect', () => request.setTimeout(0)));
    request.on('close', () => clearTimeout(answerTimer));
    request.on('error', (error) => resolve({ kind: 'retry', reason: error.message }));
    request.on('response', (response) => {
      resolve(verdict(response.statusCode ?? 0));
      // The verdict is the status; the body is read only to let the receiver finish, and not far.
      let read = 0;
      response.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_RESPONSE_BYTES) request.destroy();
      });
    });
    request.end(body);
  });
}

function verdict(status: number): DeliveryOutcome {
  if (status >= 200 && status < 300) return { kind: 'delivered' };
  if (status === 408 || status === 429 || status >= 500) return { kind: 'retry', reason: `HTTP ${status}` };
  return { kind: 'rejected', reason: `HTTP ${status}` };
}

/** A lookup that answers with the address the guard checked, in whichever form the caller asks. */
function pinLookup(pinned: LookupAddress) {
  return (
    _host: string,
    options: LookupOptions,
    callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
  ) => (options.all ? callback(null, [pinned]) : callback(null, pinned.address, pinned.family));
}
