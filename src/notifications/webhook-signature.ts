import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Each webhook request carries `X-Zaqar-Signature: t=<unix seconds>,v1=<hex>`, where v1 is the
 * HMAC-SHA256 of `<t>.<body>` under the subscription's secret. A receiver recomputes it and refuses
 * a timestamp too far from its clock, which also refuses replays of an old request.
 */
export const SIGNATURE_HEADER = 'X-Zaqar-Signature';

export function signatureHeader(secret: string, body: string, nowSeconds: number): string {
  return `t=${nowSeconds},v1=${mac(secret, nowSeconds, body)}`;
}

export function verifySignature(
  secret: string,
  header: string,
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!match) return false;
  const timestamp = Number(match[1]);
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  return timingSafeEqual(Buffer.from(match[2], 'hex'), Buffer.from(mac(secret, timestamp, body), 'hex'));
}

function mac(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}
