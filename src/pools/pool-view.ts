import { nextPageQuery } from '../common/query';
import type { PoolRecord } from '../storage/pool-registry.contract';

export interface PoolListQuery {
  marker?: string;
  limit?: number;
  detailed?: boolean;
}

export function poolPath(name: string): string {
  return `/v2/pools/${name}`;
}

/** A pool as Zaqar shows it; its options only when asked for in detail. */
export function poolView(pool: PoolRecord, detailed: boolean) {
  const { name, uri, weight, flavor, options } = pool;
  return { name, uri, weight, flavor, ...(detailed ? { options } : {}), href: poolPath(name) };
}

/** The next page of a pool listing: the parameters the caller gave, in Zaqar's order, and the new marker. */
export function poolsNextHref(query: PoolListQuery, marker: string): string {
  const params = nextPageQuery(
    [
      ['limit', query.limit],
      ['detailed', query.detailed],
    ],
    query.marker !== undefined,
    marker,
  );
  return `/v2/pools${params}`;
}
