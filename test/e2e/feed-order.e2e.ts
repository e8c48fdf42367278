import { BACKENDS_AND_POOLING } from '../support/pooled-backend';
import { ZaqarClient } from './client';
import { serversOnFreshStore } from '../support/lifecycle';

const PRODUCERS = 8;
const BATCHES = 25;
const PER_BATCH = 4;

describe.each(BACKENDS_AND_POOLING)(
  'the feed under concurrent producers on two server processes on %s',
  (_name, makeBackend) => {
    const { servers } = serversOnFreshStore(makeBackend, 2);

    it('a reader paging with markers sees every message exactly once, each producer in its own order', async () => {
      const base = new ZaqarClient(servers[0].url);
      const queue = 'feed';
      const total = PRODUCERS * BATCHES * PER_BATCH;
      let producing = true;

      const producer = async (p: number) => {
        const client = base.on(servers[p % 2].url);
        for (let b = 0; b < BATCHES; b++) {
          const messages = Array.from({ length: PER_BATCH }, (_, i) => ({
            body: { p, seq: b * PER_BATCH + i },
            ttl: 600,
          }));
          const res = await client.request('POST', `/v2/queues/${queue}/messages`, { json: { messages } });
          expect(res.status).toBe(201);
        }
      };

      const seen: Array<{ p: number; seq: number }> = [];
      const reader = async () => {
        const client = base.on(servers[1].url);
        let path = `/v2/queues/${queue}/messages?echo=true&limit=20`;
        const deadline = Date.now() + 60_000;
        while (seen.length < total && Date.now() < deadline) {
          const res = await client.request('GET', path);
          expect(res.status).toBe(200);
          for (const message of res.body.messages) seen.push(message.body);
          if (res.body.links.length) path = res.body.links[0].href;
          else if (!producing) await new Promise((r) => setTimeout(r, 20));
        }
      };

      const readerDone = reader();
      await Promise.all(Array.from({ length: PRODUCERS }, (_, p) => producer(p)));
      producing = false;
      await readerDone;

      expect(seen.length).toBe(total);
      for (let p = 0; p < PRODUCERS; p++) {
        const order = seen.filter((m) => m.p === p).map((m) => m.seq);
        expect(order).toEqual(Array.from({ length: BATCHES * PER_BATCH }, (_, i) => i));
      }
    });
  },
);
