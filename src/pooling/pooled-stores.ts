import type {
  ClaimOptions,
  ClaimStore,
  Metadata,
  MessageListOptions,
  MessageStore,
  NewMessage,
  NewSubscription,
  Notify,
  QueueListing,
  QueueListOptions,
  QueueRef,
  QueueStore,
  SubscriptionChanges,
  SubscriptionListOptions,
  SubscriptionStore,
} from '../storage/storage.contract';
import type { Catalog } from './catalog';

/**
 * The contract's stores over pools: each call goes to the driver of the pool that holds its
 * queue (see Catalog), except queue listing and counting, which span every pool.
 */

const flavorOf = (metadata: Metadata) => (typeof metadata._flavor === 'string' ? metadata._flavor : undefined);
const deadLetterOf = (metadata: Metadata) =>
  typeof metadata._dead_letter_queue === 'string' ? metadata._dead_letter_queue : undefined;

export class PooledQueues implements QueueStore {
  constructor(private readonly catalog: Catalog) {}

  async create(ref: QueueRef, metadata: Metadata, now: number) {
    const flavor = flavorOf(metadata);
    const driver =
      flavor === undefined ? await this.catalog.routeCreating(ref) : await this.catalog.routeCreate(ref, flavor);
    await this.placeDeadLetter(ref, metadata);
    return driver.queues.create(ref, metadata, now);
  }

  async getMetadata(ref: QueueRef) {
    return (await this.catalog.route(ref)).queues.getMetadata(ref);
  }

  async setMetadata(ref: QueueRef, metadata: Metadata) {
    const driver = await this.catalog.route(ref);
    const flavor = flavorOf(metadata);
    const current =
      flavor !== undefined || deadLetterOf(metadata) !== undefined ? await driver.queues.getMetadata(ref) : null;
    if (current) {
      if (flavor !== undefined && current._flavor !== flavor) await this.catalog.checkFlavorChange(ref, flavor);
      await this.placeDeadLetter(ref, metadata);
    }
    return driver.queues.setMetadata(ref, metadata);
  }

  async delete(ref: QueueRef) {
    return (await this.catalog.route(ref)).queues.delete(ref);
  }

  /** A queue naming a dead letter queue not yet placed places it on its own pool (see Catalog). */
  private async placeDeadLetter(ref: QueueRef, metadata: Metadata): Promise<void> {
    const deadLetter = deadLetterOf(metadata);
    if (deadLetter !== undefined && deadLetter !== ref.queue) await this.catalog.keepDeadLetterBeside(ref, deadLetter);
  }

  /** Each pool's page after the marker, merged by name: the first `limit` are the page across pools. */
  async list(project: string, options: QueueListOptions): Promise<QueueListing[]> {
    const drivers = await this.catalog.driversOf(project);
    const pages = await Promise.all(drivers.map((driver) => driver.queues.list(project, options)));
    return pages
      .flat()
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .slice(0, options.limit);
  }

  async count(project: string) {
    const drivers = await this.catalog.driversOf(project);
    const counts = await Promise.all(drivers.map((driver) => driver.queues.count(project)));
    return counts.reduce((sum, n) => sum + n, 0);
  }

  async stats(ref: QueueRef, now: number) {
    return (await this.catalog.route(ref)).queues.stats(ref, now);
  }
}

export class PooledMessages implements MessageStore {
  constructor(private readonly catalog: Catalog) {}

  async post(ref: QueueRef, clientId: string, messages: NewMessage[], now: number, notify?: Notify) {
    return (await this.catalog.routeCreating(ref)).messages.post(ref, clientId, messages, now, notify);
  }

  async list(ref: QueueRef, options: MessageListOptions, now: number) {
    return (await this.catalog.route(ref)).messages.list(ref, options, now);
  }

  async get(ref: QueueRef, id: string, now: number) {
    return (await this.catalog.route(ref)).messages.get(ref, id, now);
  }

  async getMany(ref: QueueRef, ids: string[], now: number) {
    return (await this.catalog.route(ref)).messages.getMany(ref, ids, now);
  }

  async delete(ref: QueueRef, id: string, claimId: string | undefined, now: number) {
    return (await this.catalog.route(ref)).messages.delete(ref, id, claimId, now);
  }

  async deleteMany(ref: QueueRef, ids: string[], claimIds: string[] | undefined, now: number) {
    return (await this.catalog.route(ref)).messages.deleteMany(ref, ids, claimIds, now);
  }

  async pop(ref: QueueRef, limit: number, now: number) {
    return (await this.catalog.route(ref)).messages.pop(ref, limit, now);
  }

  async purge(ref: QueueRef) {
    return (await this.catalog.route(ref)).messages.purge(ref);
  }
}

export class PooledClaims implements ClaimStore {
  constructor(private readonly catalog: Catalog) {}

  async create(ref: QueueRef, options: ClaimOptions, now: number) {
    if (options.deadLetter) await this.catalog.keepDeadLetterBeside(ref, options.deadLetter.queue);
    return (await this.catalog.route(ref)).claims.create(ref, options, now);
  }

  async get(ref: QueueRef, claimId: string, now: number) {
    return (await this.catalog.route(ref)).claims.get(ref, claimId, now);
  }

  async renew(ref: QueueRef, claimId: string, ttl: number, grace: number, now: number) {
    return (await this.catalog.route(ref)).claims.renew(ref, claimId, ttl, grace, now);
  }

  async release(ref: QueueRef, claimId: string, now: number) {
    return (await this.catalog.route(ref)).claims.release(ref, claimId, now);
  }
}

export class PooledSubscriptions implements SubscriptionStore {
  constructor(private readonly catalog: Catalog) {}

  async create(ref: QueueRef, subscription: NewSubscription, now: number) {
    return (await this.catalog.routeCreating(ref)).subscriptions.create(ref, subscription, now);
  }

  async list(ref: QueueRef, options: SubscriptionListOptions, now: number) {
    return (await this.catalog.route(ref)).subscriptions.list(ref, options, now);
  }

  async get(ref: QueueRef, id: string, now: number) {
    return (await this.catalog.route(ref)).subscriptions.get(ref, id, now);
  }

  async update(ref: QueueRef, id: string, changes: SubscriptionChanges, now: number) {
    return (await this.catalog.route(ref)).subscriptions.update(ref, id, changes, now);
  }

  async confirm(ref: QueueRef, id: string, confirmed: boolean, now: number) {
    return (await this.catalog.route(ref)).subscriptions.confirm(ref, id, confirmed, now);
  }

  async delete(ref: QueueRef, id: string) {
    return (await this.catalog.route(ref)).subscriptions.delete(ref, id);
  }

  async purge(ref: QueueRef) {
    return (await this.catalog.route(ref)).subscriptions.purge(ref);
  }
}
