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

/** A delivery leased here: the pool it came from and its id there. */
interface Leased {
  driver: StorageDriver;
  id: string;
}

/**
 * The notification outbox over pools: each pool keeps the deliveries of its own queues (written
 * with the posts, in its transactions), and the job leases from every pool it can reach. A leased
 * delivery is settled on the pool it came from, which this process remembers until then. Each
 * pool numbers its deliveries on its own, so the job is handed ids qualified by pool (`2:17`):
 * with bare ids, settling one project's delivery would remove or misfile another's of equal id.
 */
export class PooledDeliveries implements DeliveryStore {
  private readonly leased = new Map<string, Leased>();
  private readonly poolKeys = new WeakMap<StorageDriver, number>();
  private nextPoolKey = 0;

  constructor(
    private readonly catalog: Catalog,
    private readonly drivers: PoolDrivers,
  ) {}

  async lease(limit: number, now: number, leaseMs: number): Promise<DueDelivery[]> {
    const drivers = await this.drivers.reachable();
    const leased = await Promise.allSettled(drivers.map((driver) => driver.deliveries.lease(limit, now, leaseMs)));
    return leased.flatMap((result, i) => {
      if (result.status === 'rejected') return []; // that pool's deliveries wait for it
      return result.value.map((delivery) => {
        const id = `${this.keyOf(drivers[i])}:${delivery.id}`;
        this.leased.set(id, { driver: drivers[i], id: delivery.id });
        return { ...delivery, id };
      });
    });
  }

  async enqueueConfirmation(confirmation: NewConfirmation, now: number) {
    return (await this.catalog.route(confirmation.ref)).deliveries.enqueueConfirmation(confirmation, now);
  }

  async complete(ids: string[]): Promise<void> {
    const byDriver = new Map<StorageDriver, string[]>();
    for (const { driver, id } of ids.map((id) => this.settled(id) ?? { driver: this.drivers.management, id })) {
      byDriver.set(driver, [...(byDriver.get(driver) ?? []), id]);
    }
    await Promise.all([...byDriver].map(([driver, some]) => driver.deliveries.complete(some)));
  }

  async retry(id: string, attempts: number, nextAttempt: number, error: string): Promise<void> {
    const leased = this.settled(id) ?? { driver: this.drivers.management, id };
    await leased.driver.deliveries.retry(leased.id, attempts, nextAttempt, error);
  }

  async fail(delivery: Delivery, error: string, now: number): Promise<void> {
    const leased = this.settled(delivery.id) ?? { driver: await this.catalog.route(delivery.ref), id: delivery.id };
    await leased.driver.deliveries.fail({ ...delivery, id: leased.id }, error, now);
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

  /** The pool and own id of a delivery leased here, forgotten as it is settled. */
  private settled(id: string): Leased | undefined {
    const leased = this.leased.get(id);
    this.leased.delete(id);
    return leased;
  }

  private keyOf(driver: StorageDriver): number {
    if (!this.poolKeys.has(driver)) this.poolKeys.set(driver, this.nextPoolKey++);
    return this.poolKeys.get(driver)!;
  }
}
