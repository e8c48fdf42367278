import { createHmac } from 'node:crypto';
import { signatureHeader, verifySignature } from './webhook-signature';

describe('webhook signature', () => {
  const body = '{"ttl": 300, "body": "x", "Message_Type": "Notification", "queue_name": "q"}';

  it('is the HMAC-SHA256 of "<t>.<body>" under the secret, in hex', () => {
    const expected = createHmac('sha256', 'k').update(`1700000000.${body}`).digest('hex');
    expect(signatureHeader('k', body, 1_700_000_000)).toBe(`t=1700000000,v1=${expected}`);
  });

  it('verifies within the tolerance and refuses another secret, body, format or an old timestamp', () => {
    const header = signatureHeader('k', body, 1_700_000_000);
    expect(verifySignature('k', header, body, 1_700_000_100)).toBe(true);
    expect(verifySignature('other', header, body, 1_700_000_100)).toBe(false);
    expect(verifySignature('k', header, `${body} `, 1_700_000_100)).toBe(false);
    expect(verifySignature('k', header, body, 1_700_000_301)).toBe(false);
    expect(verifySignature('k', 'v1=abc', body, 1_700_000_000)).toBe(false);
  });
});
