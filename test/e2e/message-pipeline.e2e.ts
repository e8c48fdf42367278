import * as path from 'node:path';
import { BACKENDS, sqliteBackend } from '../support/backends';
import { serversOnFreshStore } from '../support/lifecycle';
import { startServer } from '../support/server';
import { ZaqarClient } from './client';
import { error } from './fixtures';

const STAMP_STAGE = path.join(__dirname, '../support/stages/stamp-stage.js');

describe.each(BACKENDS)('message pipeline [%s]', (_name, makeBackend) => {
  const running = serversOnFreshStore(makeBackend, 1, { MESSAGE_PIPELINE: STAMP_STAGE });

  it('a stage named in MESSAGE_PIPELINE rewrites messages before they are stored', async () => {
    const api = new ZaqarClient(running.server.url);
    const [id] = await api.postMessages('jobs', [{ body: { task: 'resize' } }]);
    const got = await api.get(`/v2/queues/jobs/messages/${id}`);
    expect(got.body.body).toEqual({ task: 'resize', stamped: 'jobs' });
  });

  it("a stage refuses a post with the API's error, and nothing of it is stored", async () => {
    const api = new ZaqarClient(running.server.url);
    const res = await api.post('/v2/queues/jobs/messages', {
      json: { messages: [{ body: 'ok' }, { body: 'forbidden' }] },
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(error('Invalid API request', 'The stamp stage refuses forbidden messages.'));
    expect((await api.get('/v2/queues/jobs/stats')).body.messages.total).toBe(0);
  });
});

describe('message pipeline configuration', () => {
  it('a stage that cannot be loaded stops the start with a message naming it', async () => {
    const backend = await sqliteBackend();
    try {
      await expect(
        startServer({ storageUrl: backend.url, env: { MESSAGE_PIPELINE: 'no.such.stage' } }),
      ).rejects.toThrow(/message_pipeline stage "no.such.stage" is neither built in nor loadable/);
    } finally {
      await backend.drop();
    }
  });
});
