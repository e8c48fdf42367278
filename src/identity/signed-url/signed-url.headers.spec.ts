import { readSignedUrlHeaders, routedPath, signedUrlCovers } from './signed-url.headers';

const QUEUE = '/v2/queues/shared_queue';

describe('signed URL headers', () => {
  it('reads what python-zaqarclient sends, whatever the header case', () => {
    expect(
      readSignedUrlHeaders({
        'url-signature': 'abc',
        'url-expires': '2099-01-01T00:00:00',
        'url-methods': 'GET,POST',
        'url-paths': `${QUEUE}/messages,${QUEUE}/claims`,
        'x-project-id': 'p1',
      }),
    ).toEqual({
      signature: 'abc',
      expires: '2099-01-01T00:00:00',
      methods: ['GET', 'POST'],
      paths: [`${QUEUE}/messages`, `${QUEUE}/claims`],
      project: 'p1',
    });
    expect(readSignedUrlHeaders({ 'URL-Signature': 'abc', 'URL-Methods': 'GET' })?.methods).toEqual(['GET']);
  });

  it('is undefined without URL-Signature: not a signed request', () => {
    expect(readSignedUrlHeaders({ 'url-paths': '/x' })).toBeUndefined();
    expect(readSignedUrlHeaders({ 'url-signature': '' })).toBeUndefined();
  });

  it('takes list values from WebSocket frames as they are', () => {
    expect(readSignedUrlHeaders({ 'URL-Signature': 's', 'URL-Methods': ['GET', 'POST'] })?.methods).toEqual([
      'GET',
      'POST',
    ]);
  });

  it('reads missing methods and paths as one empty entry, as Zaqar\'s "".split(",") does', () => {
    expect(readSignedUrlHeaders({ 'url-signature': 's' })).toMatchObject({ methods: [''], paths: [''] });
  });

  describe('coverage', () => {
    const claim = {
      signature: 's',
      expires: '2099-01-01T00:00:00',
      project: 'p',
      methods: ['GET', 'POST'],
      paths: [`${QUEUE}/messages`],
    };

    it('needs a signed method', () => {
      expect(signedUrlCovers(claim, 'GET', `${QUEUE}/messages`)).toBe(true);
      expect(signedUrlCovers(claim, 'DELETE', `${QUEUE}/messages`)).toBe(false);
      expect(signedUrlCovers(claim, 'get', `${QUEUE}/messages`)).toBe(false);
    });

    it('finds a signed path anywhere in the request path, as re.search does', () => {
      expect(signedUrlCovers(claim, 'GET', `${QUEUE}/messages/5f1d2c`)).toBe(true);
      expect(signedUrlCovers(claim, 'GET', `${QUEUE}/claims`)).toBe(false);
      expect(signedUrlCovers(claim, 'GET', '/v2/queues/other/messages')).toBe(false);
    });

    it('ignores empty and unparseable paths', () => {
      expect(signedUrlCovers({ ...claim, paths: [''] }, 'GET', `${QUEUE}/messages`)).toBe(false);
      expect(signedUrlCovers({ ...claim, paths: ['(', `${QUEUE}/messages`] }, 'GET', `${QUEUE}/messages`)).toBe(true);
      expect(signedUrlCovers({ ...claim, paths: ['('] }, 'GET', `${QUEUE}/messages`)).toBe(false);
    });
  });

  it('checks the path the router serves: a signed path after `#` or `?` is no part of it', () => {
    expect(routedPath(`/v2/queues/other/stats#${QUEUE}/messages`)).toBe('/v2/queues/other/stats');
    expect(routedPath(`/v2/queues/other/stats?x=${QUEUE}/messages#y`)).toBe('/v2/queues/other/stats');
    expect(routedPath(`${QUEUE}/messages/5f1d2c`)).toBe(`${QUEUE}/messages/5f1d2c`);
  });
});
