import { BACKENDS_AND_POOLING } from '../support/pooled-backend';
import { lastSegment, ZaqarClient } from './client';
import { serversOnFreshStore } from '../support/lifecycle';

const MESSAGES = 2000;
const CLAIMERS = 8;

describe.each(BACKENDS_AND_POOLING)(
  `claims raced by ${CLAIMERS} workers across two server processes on %s`,
  (_name, makeBackend) => {
    const { servers } = serversOnFreshStore(makeBackend, 2);

    it(`delivers each of ${MESSAGES} messages to exactly one claimer while claims are valid`, async () => {
      const producer = new ZaqarClient(servers[0].url);
      const queue = 'race';
      for (let batch = 0; batch < MESSAGES / 10; batch += 20) {
        await Promise.all(
          Array.from({ length: 20 }, async (_, i) => {
            const messages = Array.from({ length: 10 }, (_, j) => ({ body: { n: (batch + i) * 10 + j }, ttl: 600 }));
            const res = await producer
              .on(servers[i % 2].url)
              .request('POST', `/v2/queues/${queue}/messages`, { json: { messages } });
            expect(res.status).toBe(201);
          }),
        );
      }

      const deliveries: number[] = [];
      const claimer = async (worker: number) => {
        const client = producer.on(servers[worker % 2].url);
        for (let emptyClaims = 0; emptyClaims < 3;) {
          const claim = await client.request('POST', `/v2/queues/${queue}/claims?limit=10`, {
            json: { ttl: 300, grace: 60 },
          });
          if (claim.status === 204) {
            emptyClaims++;
            continue;
          }
          expect(claim.status).toBe(201);
          emptyClaims = 0;
          for (const message of claim.body.messages) {
            deliveries.push(message.body.n);
            const claimId = new URL(message.href, 'http://x').searchParams.get('claim_id');
            const deleted = await client.request(
              'DELETE',
              `/v2/queues/${queue}/messages/${lastSegment(message.href)}?claim_id=${claimId}`,
            );
            expect(deleted.status).toBe(204);
          }
        }
      };
      await Promise.all(Array.from({ length: CLAIMERS }, (_, worker) => claimer(worker)));

      const counts = new Map<number, number>();
      for (const n of deliveries) counts.set(n, (counts.get(n) ?? 0) + 1);
      const duplicated = [...counts].filter(([, c]) => c > 1);
      expect(duplicated).toEqual([]);
      expect(counts.size).toBe(MESSAGES);
      const stats = await producer.request('GET', `/v2/queues/${queue}/stats`);
      expect(stats.body.messages.total).toBe(0);
    });
  },
);
