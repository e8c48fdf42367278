import { Inject, Injectable } from '@nestjs/common';
import { Conflict, InvalidRequestBody, NotFound } from '../common/errors';
import { listingLimit } from '../common/query';
import type { Settings } from '../config/settings';
import { SETTINGS } from '../config/settings.module';
import { POOL_ADMIN, PoolAdmin } from '../pooling/pool-admin';
import { refuseNulFields, refuseNulName } from '../pooling/registry-text';
import { readNewPool, readPoolChanges } from './pool-body';
import { PoolListQuery, poolsNextHref, poolView } from './pool-view';

/** The pools admin API (Zaqar's v2_0/pools.py): the registry's pools, written through the pooling layer. */
@Injectable()
export class PoolsService {
  constructor(
    @Inject(POOL_ADMIN) private readonly admin: PoolAdmin,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  async list(query: PoolListQuery) {
    const limit = listingLimit(query.limit, this.settings.limits.max_pools_per_page);
    const pools = await this.admin.registry.listPools({ marker: query.marker, limit });
    if (!pools.length) return { pools: [], links: [] };
    return {
      pools: pools.map((pool) => poolView(pool, query.detailed ?? false)),
      links: [{ rel: 'next', href: poolsNextHref(query, pools[pools.length - 1].name) }],
    };
  }

  async get(name: string, detailed: boolean) {
    const pool = await this.admin.registry.getPool(name);
    if (!pool) throw poolNotFound(name);
    return poolView(pool, detailed);
  }

  /** Registers the pool, or replaces every field of the one of that name (201 either way, as Zaqar). */
  async put(name: string, body: unknown): Promise<void> {
    refuseNulName('Pool', name);
    const pool = readNewPool(body);
    refuseNulFields(pool);
    const outcome = await this.written(pool.uri, () => this.admin.registry.putPool({ name, ...pool }));
    if (outcome === 'uri-taken') throw uriTaken();
  }

  async update(name: string, body: unknown) {
    const changes = readPoolChanges(body);
    refuseNulFields(changes);
    const outcome = await this.written(changes.uri, () => this.admin.registry.updatePool(name, changes));
    if (outcome === 'missing') throw poolNotFound(name);
    if (outcome === 'uri-taken') throw uriTaken();
    return this.get(name, false);
  }

  /**
   * Zaqar deletes a pool whatever it holds, and its queues are lost to the API; we refuse while
   * one of them still exists there. A pool never registered is deleted already (204, as Zaqar).
   */
  async delete(name: string): Promise<void> {
    const outcome = await this.admin.deletePool(name);
    if (outcome === 'deleted') return;
    const queues = outcome.holding.map((ref) => `${ref.project}/${ref.queue}`).join(', ');
    throw new Conflict(
      `Pool ${name} cannot be deleted while it holds queues, among them: ${queues}. Delete those queues first.`,
    );
  }

  /** The registry write, once the store on its new URI (if it names one) answers; applied at once. */
  private async written<T>(uri: string | undefined, write: () => Promise<T>): Promise<T> {
    if (uri === undefined) {
      const outcome = await write();
      await this.admin.reload();
      return outcome;
    }
    const outcome = await this.admin.writeWithStore(uri, write);
    if (outcome === 'unreachable') throw new InvalidRequestBody(`cannot connect to ${uri}`);
    return outcome;
  }
}

function poolNotFound(name: string): NotFound {
  return new NotFound(`Pool ${name} does not exist`);
}

/** Zaqar's PoolAlreadyExists text; the reference answers 500 instead, its SQL driver never raising it. */
function uriTaken(): Conflict {
  return new Conflict('The database URI is in use by another pool.');
}
