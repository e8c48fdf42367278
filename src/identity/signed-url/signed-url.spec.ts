import { createHmac } from 'node:crypto';
import { InvalidApiRequest } from '../../common/errors';
import { createSignature, SignedUrlClaim, verifySignature } from './signed-url';
import { SignedUrlError } from './signed-url.error';

const KEY = 'secret';
const NOW = new Date('2024-05-01T12:00:00.250Z');
const QUEUE = '/v2/queues/fizbit';

function errorOf(fn: () => unknown): SignedUrlError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SignedUrlError);
    return err as SignedUrlError;
  }
  throw new Error('expected a SignedUrlError');
}

describe('createSignature', () => {
  it('signs sorted paths and methods, the project and the expiry, joined by a literal backslash-n', () => {
    const signed = createSignature(
      KEY,
      [`${QUEUE}/subscriptions`, `${QUEUE}/messages`],
      { project: 'p1', methods: ['POST', 'GET'], expires: '2024-06-01T00:00:00' },
      NOW,
    );
    const body = `${QUEUE}/messages,${QUEUE}/subscriptions\\nGET,POST\\np1\\n2024-06-01T00:00:00`;
    expect(signed).toEqual({
      paths: [`${QUEUE}/messages`, `${QUEUE}/subscriptions`],
      methods: ['GET', 'POST'],
      project: 'p1',
      expires: '2024-06-01T00:00:00',
      signature: createHmac('sha256', KEY).update(body).digest('hex'),
    });
  });

  it('defaults to GET and to one day from now, dropping the fraction of a second', () => {
    const signed = createSignature(KEY, [`${QUEUE}/messages`], {}, NOW);
    expect(signed.methods).toEqual(['GET']);
    expect(signed.expires).toBe('2024-05-02T12:00:00');
    expect(signed.project).toBeNull();
    expect(createSignature(KEY, [`${QUEUE}/messages`], { methods: [] }, NOW).methods).toEqual(['GET']);
  });

  it('signs a missing project as the text None, as Python formats it', () => {
    const signed = createSignature(KEY, ['/p'], { expires: '2024-06-01T00:00:00' }, NOW);
    const body = '/p\\nGET\\nNone\\n2024-06-01T00:00:00';
    expect(signed.signature).toBe(createHmac('sha256', KEY).update(body).digest('hex'));
  });

  it('converts a zoned expiry to UTC', () => {
    expect(createSignature(KEY, ['/p'], { expires: '2100-05-31T19:00:17+02' }, NOW).expires).toBe(
      '2100-05-31T17:00:17',
    );
    expect(createSignature(KEY, ['/p'], { expires: '2100-05-31T19:00:17.999-0130' }, NOW).expires).toBe(
      '2100-05-31T20:30:17',
    );
  });

  it('sorts by code point, as Python does', () => {
    const signed = createSignature(KEY, ['/\u{1F600}', '/\uFF5E', '/b', '/B'], { expires: '2100-01-01' }, NOW);
    expect(signed.paths).toEqual(['/B', '/b', '/\uFF5E', '/\u{1F600}']);
  });

  it('accepts a Buffer key', () => {
    const a = createSignature(Buffer.from(KEY), ['/p'], { expires: '2100-01-01' }, NOW);
    expect(a.signature).toBe(createSignature(KEY, ['/p'], { expires: '2100-01-01' }, NOW).signature);
  });

  describe("refuses what Zaqar refuses, with Zaqar's texts", () => {
    it.each<[string, () => unknown]>([
      ["The `key` can't be None", () => createSignature(null, ['/p'], {}, NOW)],
      ['`paths` must be a non-empty list', () => createSignature(KEY, [], {}, NOW)],
      ['`paths` must be a non-empty list', () => createSignature(KEY, '/p' as unknown as string[], {}, NOW)],
      [
        '`methods` should be a list',
        () => createSignature(KEY, ['/p'], { methods: 'GET' as unknown as string[] }, NOW),
      ],
      [
        '`expires` should be date format, for example 2016-01-01T00:00:00, not integer value: 3600',
        () => createSignature(KEY, ['/p'], { expires: '3600' }, NOW),
      ],
      [
        '`expires` should be date format, for example 2016-01-01T00:00:00, not integer value: 86400',
        () => createSignature(KEY, ['/p'], { expires: 86400 }, NOW),
      ],
      ["Unable to parse date string 'tomorrow'", () => createSignature(KEY, ['/p'], { expires: 'tomorrow' }, NOW)],
      [
        '`expires` is lower than the current time',
        () => createSignature(KEY, ['/p'], { expires: '2015-01-01T00:00:00' }, NOW),
      ],
      [
        '`expires` is lower than the current time',
        () => createSignature(KEY, ['/p'], { expires: '2024-05-01T12:00:00' }, NOW),
      ],
      ['day is out of range for month', () => createSignature(KEY, ['/p'], { expires: '2100-02-30' }, NOW)],
    ])('%s', (description, fn) => {
      const error = errorOf(fn);
      expect(error).toBeInstanceOf(InvalidApiRequest);
      expect(error.toBody()).toEqual({ title: 'Invalid API request', description });
    });
  });
});

describe('verifySignature', () => {
  const signed = createSignature(
    KEY,
    [`${QUEUE}/messages`, `${QUEUE}/claims`],
    { project: 'p1', methods: ['GET', 'POST'], expires: '2024-05-02T00:00:00' },
    NOW,
  );
  const claim: SignedUrlClaim = { ...signed };

  it('accepts the signed fields, in any order', () => {
    expect(verifySignature(KEY, claim, NOW)).toBe(true);
    expect(verifySignature(KEY, { ...claim, paths: [...claim.paths].reverse(), methods: ['POST', 'GET'] }, NOW)).toBe(
      true,
    );
  });

  it.each<[string, Partial<SignedUrlClaim> | { key: string } | { now: Date }]>([
    ['a tampered signature', { signature: signed.signature.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) }],
    ['an upper-case signature (Zaqar compares exactly)', { signature: signed.signature.toUpperCase() }],
    ['a truncated signature', { signature: signed.signature.slice(0, 10) }],
    ['no signature', { signature: undefined }],
    ['another path', { paths: [`${QUEUE}/messages`, `${QUEUE}/subscriptions`] }],
    ['one path fewer', { paths: [`${QUEUE}/messages`] }],
    ['another method', { methods: ['GET', 'DELETE'] }],
    ['an extra method', { methods: ['GET', 'POST', 'DELETE'] }],
    ['another project', { project: 'p2' }],
    ['no project', { project: undefined }],
    ['a later expiry', { expires: '2024-05-03T00:00:00' }],
    ['no expiry', { expires: undefined }],
    ['an unreadable expiry', { expires: 'soon' }],
    ['another key', { key: 'other' }],
    ['an expired time', { now: new Date('2024-05-02T00:00:00Z') }],
  ])('refuses %s', (_what, change) => {
    const key = 'key' in change ? change.key : KEY;
    const now = 'now' in change ? change.now : NOW;
    expect(verifySignature(key, { ...claim, ...change }, now)).toBe(false);
  });

  it('accepts until the last millisecond before expiry', () => {
    expect(verifySignature(KEY, claim, new Date('2024-05-01T23:59:59.999Z'))).toBe(true);
  });
});
