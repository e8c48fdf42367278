import { uriScheme } from './subscriber-uri';

describe('uriScheme', () => {
  it.each([
    ['http://fake:8080', 'http'],
    ['HTTPS://x', 'https'],
    ['trust+http://127.0.0.1/v2/queues/q/messages', 'trust+http'],
    ['mailto:ops@example.com?subject=hi', 'mailto'],
    ['email://fake', 'email'],
    ['fake', ''],
    [':nothing', ''],
    ['1http://x', ''],
    ['ht tp://x', ''],
    ['', ''],
  ])('reads the scheme of %j as %j, as urlsplit does', (uri, scheme) => {
    expect(uriScheme(uri)).toBe(scheme);
  });
});
