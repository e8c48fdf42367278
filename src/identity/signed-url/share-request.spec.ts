import { InvalidApiRequest, InvalidRequestBody } from '../../common/errors';
import { MALFORMED_JSON } from '../../common/request-body';
import { CLIENT_OFFERED_METHODS, parseShareRequest } from './share-request';
import { createSignature } from './signed-url';
import { SignedUrlError } from './signed-url.error';

const QUEUE = '/v2/queues/shared_queue';

function refusal(body: unknown, options = {}): { title: string; description: string } {
  try {
    parseShareRequest(body, QUEUE, options);
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidApiRequest);
    return (err as InvalidApiRequest).toBody();
  }
  throw new Error('expected the share request to be refused');
}

describe('share request', () => {
  it('signs the queue messages path by default', () => {
    expect(parseShareRequest({}, QUEUE)).toEqual({ paths: [`${QUEUE}/messages`] });
  });

  it('treats empty or null paths and methods as absent, as Python truthiness does', () => {
    for (const empty of [null, [], '', 0, false, {}]) {
      expect(parseShareRequest({ paths: empty, methods: empty }, QUEUE)).toEqual({ paths: [`${QUEUE}/messages`] });
    }
  });

  it('expands the named resources below the queue', () => {
    expect(parseShareRequest({ paths: ['messages', 'subscriptions', 'claims'] }, QUEUE).paths).toEqual([
      `${QUEUE}/messages`,
      `${QUEUE}/subscriptions`,
      `${QUEUE}/claims`,
    ]);
  });

  it('passes methods and expires through to be signed', () => {
    expect(parseShareRequest({ methods: ['GET', 'POST'], expires: '2099-01-01T00:00:00' }, QUEUE)).toEqual({
      paths: [`${QUEUE}/messages`],
      methods: ['GET', 'POST'],
      expires: '2099-01-01T00:00:00',
    });
  });

  it('signs what Zaqar answers for test_url_generation', () => {
    const now = new Date('2024-01-01T00:00:00Z');
    const request = parseShareRequest({ methods: ['GET', 'POST'] }, QUEUE);
    const signed = createSignature('key', request.paths, { project: 'p', ...request }, now);
    expect(signed).toMatchObject({
      paths: [`${QUEUE}/messages`],
      methods: ['GET', 'POST'],
      project: 'p',
      expires: '2024-01-02T00:00:00',
    });
  });

  describe("refuses with Zaqar's texts", () => {
    it.each<[string, unknown, string]>([
      ['unknown keys', { dummy: 'meh' }, "Unknown keys: {'dummy'}"],
      ['several unknown keys', { b: 1, a: 2, paths: ['messages'] }, "Unknown keys: {'a', 'b'}"],
      ['paths outside the queue', { paths: ['notallowed'] }, "Invalid paths: {'notallowed'}"],
      ['some invalid paths', { paths: ['messages', 'x', 'x', 'queues'] }, "Invalid paths: {'queues', 'x'}"],
      [
        'a string of paths (Python iterates its characters)',
        { paths: 'claims' },
        "Invalid paths: {'a', 'c', 'i', 'l', 'm', 's'}",
      ],
      ['a path that is not a string', { paths: ['messages', 5] }, 'Invalid paths: {5}'],
      ['methods that are not a list', { methods: 'methods not list' }, '`methods` should be a list'],
      ['methods that are not strings', { methods: ['GET', 1] }, '`methods` should be a list of strings'],
    ])('%s', (_what, body, description) => {
      expect(refusal(body)).toEqual({ title: 'Invalid API request', description });
    });

    it('a bad expires date when signing', () => {
      const request = parseShareRequest({ expires: 'wrong date format' }, QUEUE);
      expect(() => createSignature('key', request.paths, request)).toThrow(
        new SignedUrlError("Unable to parse date string 'wrong date format'"),
      );
    });
  });

  it('accepts an object of paths by its keys, as Python set() does', () => {
    expect(parseShareRequest({ paths: { claims: true } }, QUEUE).paths).toEqual([`${QUEUE}/claims`]);
  });

  it('refuses a body that is not a JSON object', () => {
    expect(() => parseShareRequest(['messages'], QUEUE)).toThrow(InvalidRequestBody);
    expect(() => parseShareRequest(MALFORMED_JSON, QUEUE)).toThrow(
      new InvalidRequestBody('Request body could not be parsed.'),
    );
    expect(() => parseShareRequest(undefined, QUEUE)).toThrow(new InvalidRequestBody('Request body can not be empty'));
  });

  it('accepts any method name unless a limit is asked for', () => {
    expect(parseShareRequest({ methods: ['PATCH'] }, QUEUE).methods).toEqual(['PATCH']);
    expect(refusal({ methods: ['GET', 'PATCH', 'TRACE'] }, { allowedMethods: CLIENT_OFFERED_METHODS })).toEqual({
      title: 'Invalid API request',
      description: "Invalid methods: {'PATCH', 'TRACE'}",
    });
    expect(
      parseShareRequest({ methods: ['GET', 'DELETE'] }, QUEUE, { allowedMethods: CLIENT_OFFERED_METHODS }).methods,
    ).toEqual(['GET', 'DELETE']);
  });
});
