import { BACKENDS, TestBackend } from '../support/backends';
import { lastSegment, ZaqarClient } from './client';
import { startServer, StartedServer } from '../support/server';

describe.each(BACKENDS)('durability on %s', (_name, makeBackend) => {
  let backend: TestBackend;
  let server: StartedServer | undefined;

  beforeAll(async () => {
    backend = await makeBackend();
  });

  afterAll(async () => {
    await server?.kill();
    await backend?.drop();
  });

  it('every message answered 201 survives a SIGKILL of the server', async () => {
    server = await startServer({ storageUrl: backend.url });
    const client = new ZaqarClient(server.url);
    const queue = 'durable';
    const acknowledged: string[] = [];
    // 32 concurrent producers so that group commit is exercised, then kill while they still post
    const producers = Array.from({ length: 32 }, async (_, p) => {
      for (let i = 0; ; i++) {
        let res;
        try {
          res = await client.request('POST', `/v2/queues/${queue}/messages`, {
            json: { messages: [{ body: { p, i } }] },
          });
        } catch {
          return; // the server died under us: that request was never acknowledged
        }
        if (res.status !== 201) return;
        acknowledged.push(...res.body.resources.map(lastSegment));
      }
    });
    const deadline = Date.now() + 30_000;
    while (acknowledged.length < 500 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    await server.kill('SIGKILL');
    await Promise.all(producers);

    server = await startServer({ storageUrl: backend.url });
    const reader = client.on(server.url);
    const stored = new Set<string>();
    let path = `/v2/queues/${queue}/messages?echo=true&limit=20`;
    for (;;) {
      const res = await reader.request('GET', path);
      expect(res.status).toBe(200);
      if (!res.body.messages.length) break;
      for (const message of res.body.messages) stored.add(message.id);
      path = res.body.links[0].href;
    }
    const lost = acknowledged.filter((id) => !stored.has(id));
    expect(lost).toEqual([]);
    expect(acknowledged.length).toBeGreaterThanOrEqual(500);
  });
});
