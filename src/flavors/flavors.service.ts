import { Inject, Injectable } from '@nestjs/common';
import { BadRequest, NotFound, ZaqarError } from '../common/errors';
import { listingLimit } from '../common/query';
import type { RequestContext } from '../common/request-context';
import type { Settings } from '../config/settings';
import { SETTINGS } from '../config/settings.module';
import { POOL_ADMIN, PoolAdmin } from '../pooling/pool-admin';
import { refuseNulName } from '../pooling/registry-text';
import type { PoolRecord } from '../storage/pool-registry.contract';
import { readFlavorPools, readNewFlavorPools } from './flavor-body';
import { FlavorListQuery, flavorEntry, flavorsNextHref, flavorView } from './flavor-view';

/**
 * The flavors API (Zaqar's v2_0/flavors.py). A flavor belongs to a project; its pools are the
 * pools that carry its name, as in Zaqar, and its capabilities those of the first of them.
 */
@Injectable()
export class FlavorsService {
  constructor(
    @Inject(POOL_ADMIN) private readonly admin: PoolAdmin,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  private get registry() {
    return this.admin.registry;
  }

  async list(ctx: RequestContext, query: FlavorListQuery) {
    const limit = listingLimit(query.limit, this.settings.limits.max_flavors_per_page);
    const names = await this.registry.listFlavors(ctx.project, { marker: query.marker, limit });
    if (!names.length) return { flavors: [], links: [] };
    const pools = await this.registry.allPools();
    const flavors = names.map((name) => {
      const members = pools.filter((pool) => pool.flavor === name);
      return flavorEntry(name, namesOf(members), query.detailed ? this.capabilitiesOf(members) : undefined);
    });
    return { flavors, links: [{ rel: 'next', href: flavorsNextHref(query, names[names.length - 1]) }] };
  }

  async get(ctx: RequestContext, name: string) {
    await this.requireFlavor(ctx, name);
    const members = (await this.registry.allPools()).filter((pool) => pool.flavor === name);
    return flavorView(name, namesOf(members), this.capabilitiesOf(members));
  }

  /** Creates the flavor, or gives an existing one these pools (201 either way, as Zaqar). */
  async put(ctx: RequestContext, name: string, body: unknown): Promise<void> {
    refuseNulName('Flavor', name);
    const pools = readFlavorPools(body);
    await this.requirePools(
      pools,
      (missing) => new BadRequest('Unable to create', `Flavor ${name} could not be created, error:${missing}`),
    );
    await this.registry.putFlavor(ctx.project, name);
    await this.registry.setFlavorPools(name, pools);
    await this.admin.reload();
  }

  async update(ctx: RequestContext, name: string, body: unknown) {
    const pools = readNewFlavorPools(body);
    await this.requireFlavor(ctx, name);
    // Zaqar's title, as it is
    const members = await this.requirePools(
      pools,
      (missing) => new BadRequest('updatefail', `Flavor ${name} cant be updated, error:${missing}`),
    );
    await this.registry.setFlavorPools(name, pools);
    await this.admin.reload();
    return flavorView(name, pools, this.capabilitiesOf(members));
  }

  /** A missing flavor is deleted already (204, as Zaqar). */
  async delete(ctx: RequestContext, name: string): Promise<void> {
    await this.registry.deleteFlavor(ctx.project, name);
    await this.admin.reload();
  }

  private async requireFlavor(ctx: RequestContext, name: string): Promise<void> {
    if (!(await this.registry.flavorExists(ctx.project, name))) throw new NotFound(`Flavor ${name} does not exist`);
  }

  /** The named pools, in the order given; `refuse` words the error for the first one not registered. */
  private async requirePools(names: string[], refuse: (missing: string) => ZaqarError): Promise<PoolRecord[]> {
    const pools = new Map((await this.registry.allPools()).map((pool) => [pool.name, pool]));
    const missing = names.find((name) => !pools.has(name));
    if (missing !== undefined) throw refuse(`Pool ${missing} does not exist`);
    return names.map((name) => pools.get(name)!);
  }

  private capabilitiesOf(pools: PoolRecord[]): string[] {
    return pools.length ? this.admin.capabilities(pools[0].uri) : [];
  }
}

function namesOf(pools: PoolRecord[]): string[] {
  return pools.map((pool) => pool.name);
}
