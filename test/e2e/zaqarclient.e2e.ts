import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { BACKENDS } from '../support/backends';
import { serversOnFreshStore } from '../support/lifecycle';

const run = promisify(execFile);
/** Debian's python3-zaqarclient lives in the system Python, not in any pyenv one. */
const PYTHON = '/usr/bin/python3';

describe.each(BACKENDS)('python-zaqarclient against our server on %s', (_name, makeBackend) => {
  const running = serversOnFreshStore(makeBackend);

  it('creates a queue, posts, lists, claims, deletes with the claim, reads stats, subscribes and deletes the queue', async () => {
    const queue = `client-${randomUUID().slice(0, 8)}`;
    const { stdout } = await run(
      PYTHON,
      [path.join(__dirname, 'zaqarclient', 'drive.py'), running.server.url, `p-${randomUUID()}`, queue],
      {
        timeout: 60_000,
      },
    );
    const seen = JSON.parse(stdout);
    expect(seen.metadata).toMatchObject({ owner: 'e2e', _default_message_ttl: 300 });
    expect(seen.queues).toEqual([queue]);
    expect(seen.listed).toEqual([0, 1, 2, 3, 4].map((n) => ({ n })));
    expect(seen.claimed).toEqual([0, 1, 2].map((n) => ({ n })));
    expect(seen.stats).toEqual({ claimed: 0, free: 2, total: 2 });
    expect(seen.remaining).toEqual([{ n: 3 }, { n: 4 }]);
    expect(seen.after_bulk_delete).toBe(0);
    expect(seen.subscriptions).toEqual([['http://127.0.0.1:9/hook', 1200, { k: 'v' }]]);
    expect(seen.subscriptions_after_delete).toEqual([]);
    expect(seen.queues_after_delete).toEqual([]);
  });
});
