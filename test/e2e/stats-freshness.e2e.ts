import { BACKENDS } from '../support/backends';
import { ZaqarClient } from './client';
import { serversOnFreshStore } from '../support/lifecycle';

const STATS_CACHE_MS = 400;

describe.each(BACKENDS)('queue stats across two server processes on %s', (_name, makeBackend) => {
  const { servers } = serversOnFreshStore(makeBackend, 2, { STATS_CACHE_MS: String(STATS_CACHE_MS) });

  it('are exact through the process that wrote, and catch up elsewhere within STATS_CACHE_MS', async () => {
    const writer = new ZaqarClient(servers[0].url);
    const reader = writer.on(servers[1].url);
    const total = async (client: ZaqarClient) =>
      (await client.request('GET', '/v2/queues/q/stats')).body.messages.total;
    const post = (n: number) =>
      writer.request('POST', '/v2/queues/q/messages', {
        json: { messages: Array.from({ length: n }, (_, i) => ({ body: i })) },
      });

    await post(3);
    expect(await total(writer)).toBe(3);
    expect(await total(reader)).toBe(3); // the reader now holds 3 for a moment
    await post(2);
    expect(await total(writer)).toBe(5);
    const started = Date.now();
    while ((await total(reader)) !== 5) {
      expect(Date.now() - started).toBeLessThan(STATS_CACHE_MS + 1000);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  });
});
