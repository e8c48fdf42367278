import type { Delivery, DeliveryStore, DueDelivery, StorageDriver } from '../storage/storage.contract';
import type { Catalog } from './catalog';
import type { PoolDrivers } from './pool-drivers';
import { PooledDeliveries } from './pooled-deliveries';

/** One pool's outbox, numbering its deliveries from 1 as the SQL stores do. */
class PoolOutbox {
  due: DueDelivery[] = [];
  readonly failed: Array<{ id: string; project: string }> = [];
  readonly retried: string[] = [];

  constructor(project: string) {
    this.due = [1, 2].map((n) => ({
      id: String(n),
      ref: { project, queue: 'q' },
      subscriptionId: `s-${project}`,
      kind: 'notification',
      message: { ttl: 60, body: n },
      attempts: 0,
      posted: 0,
      subscriber: 'http://example.com/hook',
      options: {},
      secret: 'k',
      queueMetadata: {},
    }));
  }

  readonly deliveries = {
    lease: async () => this.due,
    complete: async (ids: string[]) => {
      this.due = this.due.filter((delivery) => !ids.includes(delivery.id));
    },
    retry: async (id: string) => void this.retried.push(id),
    fail: async (delivery: Delivery) => {
      this.due = this.due.filter((due) => due.id !== delivery.id);
      this.failed.push({ id: delivery.id, project: delivery.ref.project });
    },
  } as Partial<DeliveryStore> as DeliveryStore;
}

describe('PooledDeliveries', () => {
  const [a, b] = [new PoolOutbox('project-a'), new PoolOutbox('project-b')];
  const management = new PoolOutbox('management');
  management.due = [];
  const drivers = {
    management: management as Partial<StorageDriver> as StorageDriver,
    reachable: async () => [management, a, b] as Array<Partial<StorageDriver>> as StorageDriver[],
  } as Partial<PoolDrivers> as PoolDrivers;
  const outbox = new PooledDeliveries({} as Catalog, drivers);

  it('settles each delivery on its own pool, though two pools number theirs alike', async () => {
    const leased = await outbox.lease(10, 0, 1000);
    expect(new Set(leased.map((delivery) => delivery.id)).size).toBe(4);
    const [a1, a2, b1] = leased;
    await outbox.complete([a1.id]);
    await outbox.fail(b1, 'HTTP 400', 0);
    await outbox.retry(a2.id, 1, 0, 'HTTP 503');
    expect(a.due.map((delivery) => delivery.id)).toEqual(['2']);
    expect(b.due.map((delivery) => delivery.id)).toEqual(['2']);
    expect([a.failed, b.failed]).toEqual([[], [{ id: '1', project: 'project-b' }]]);
    expect([a.retried, b.retried]).toEqual([['2'], []]);
  });
});
