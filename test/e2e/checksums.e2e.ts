import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { BACKENDS } from '../support/backends';
import { serversOnFreshStore } from '../support/lifecycle';
import { ZaqarClient } from './client';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';

/** Bodies whose Python serialization differs from JSON.stringify's: spacing, escapes, floats, key order. */
const BODIES = [
  { event: 'créé', n: 1, ratio: 0.00001, big: 1e21, nested: { list: [1, 2.5, null, true], '2': 'key order' } },
  'a "quoted" string\twith\u007f and \u{1F600}',
  [1, [], {}],
];

describe.each(BACKENDS)('message checksums [%s]', (_name, makeBackend) => {
  const on = serversOnFreshStore(makeBackend, 1, { ENABLE_CHECKSUM: 'on' });

  it('every message python-zaqarclient reads carries the checksum it computes from the body', async () => {
    const { stdout } = await run(
      PYTHON,
      [
        path.join(__dirname, 'zaqarclient', 'checksums.py'),
        on.server.url,
        `p-${randomUUID()}`,
        'summed',
        JSON.stringify(BODIES),
      ],
      { timeout: 60_000 },
    );
    const seen: Record<string, Array<[string, string]>> = JSON.parse(stdout);
    const counts = Object.fromEntries(Object.entries(seen).map(([way, pairs]) => [way, pairs.length]));
    expect(counts).toEqual({ listed: 3, got: 1, by_ids: 3, claimed: 2, popped: 1 });
    for (const pairs of Object.values(seen)) {
      for (const [given, computed] of pairs) expect(given).toBe(computed);
    }
  });

  it('shows the checksum after the body, as Zaqar orders the fields, and none for a null body', async () => {
    const api = new ZaqarClient(on.server.url);
    const posted = await api.post('/v2/queues/fields/messages', {
      json: { messages: [{ body: { n: 1 } }, { body: null }] },
    });
    expect(posted.status).toBe(201);
    const [withBody, withNull] = posted.body.resources as string[];
    const got = await api.get(withBody);
    expect(Object.keys(got.body)).toEqual(['id', 'href', 'ttl', 'age', 'body', 'checksum']);
    expect(got.body.checksum).toBe('MD5:96d730b7a405ed0e9cb1068b43e06fe4'); // md5(json.dumps({"n": 1}))
    expect((await api.get(withNull)).body).not.toHaveProperty('checksum');
  });
});

describe('message checksums off (the default)', () => {
  const off = serversOnFreshStore(BACKENDS[0][1]);

  it('shows no checksum', async () => {
    const api = new ZaqarClient(off.server.url);
    const posted = await api.post('/v2/queues/plain/messages', { json: { messages: [{ body: { n: 1 } }] } });
    expect((await api.get(posted.body.resources[0])).body).not.toHaveProperty('checksum');
  });
});
