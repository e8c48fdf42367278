import type {
  Delivery,
  DeliveryStore,
  DueDelivery,
  FailedListOptions,
  NewConfirmation,
  QueueRef,
  StorageDriver,
} from '../storage/storage.contract';
import type { Catalog } from './catalog';
import type { PoolDrivers } from './pool-drivers';

/**
 * The notification outbox over pools: each pool keeps the deliveries of its own queues (written
 * with the posts, in its transactions), and the job leases from every pool it can reach. A leased
 * delivery is settled on the pool it came from, which this process remembers until then.
 */
export class PooledDeliveries implements DeliveryStore {
  private readonly leasedFrom = new Map<string, StorageDriver>();

  constructor(
    private readonly catalog: Catalog,
    private readonly drivers: PoolDrivers,
  ) {}

  async lease(limit: number, now: number, leaseMs: number): Promise<DueDelivery[]> {
    const drivers = await this.drivers.reachable();
    const leased = await Promise.allSettled(drivers.map((driver) => driver.deliveries.lease(limit, now, leaseMs)));
    return leased.flatMap((result, i) => {
      if (result.status === 'rejected') return []; // that pool's deliveries wait for it
      for (const delivery of result.value) this.leasedFrom.set(delivery.id, drivers[i]);
      return result.value;
    });
  }

  async enqueueConfirmation(confirmation: NewConfirmation, now: number) {
    return (await this.catalog.route(confirmation.ref)).deliveries.enqueueConfirmation(confirmation, now);
  }

  async complete(ids: string[]): Promise<void> {
    const byDriver = new Map<StorageDriver, string[]>();
    for (const id of ids) {
      const driver = this.leasedFrom.get(id) ?? this.drivers.management;
      this.leasedFrom.delete(id);
      byDriver.set(driver, [...(byDriver.get(driver) ?? []), id]);
    }
    await Promise.all([...byDriver].map(([driver, some]) => driver.deliveries.complete(some)));
  }

  async retry(id: string, attempts: number, nextAttempt: number, error: string): Promise<void> {
    const driver = this.leasedFrom.get(id) ?? this.drivers.management;
    this.leasedFrom.delete(id);
    await driver.deliveries.retry(id, attempts, nextAttempt, error);
  }

  async fail(delivery: Delivery, error: string, now: number): Promise<void> {
    const driver = this.leasedFrom.get(delivery.id) ?? (await this.catalog.route(delivery.ref));
    this.leasedFrom.delete(delivery.id);
    await driver.deliveries.fail(delivery, error, now);
  }

  async listFailed(ref: QueueRef, subscriptionId: string, options: FailedListOptions) {
    return (await this.catalog.route(ref)).deliveries.listFailed(ref, subscriptionId, options);
  }

  async redrive(ref: QueueRef, subscriptionId: string, now: number) {
    return (await this.catalog.route(ref)).deliveries.redrive(ref, subscriptionId, now);
  }

  async failedCount(): Promise<number> {
    const counts = await Promise.all((await this.drivers.all()).map((driver) => driver.deliveries.failedCount()));
    return counts.reduce((sum, n) => sum + n, 0);
  }
}
