import { nextPageQuery } from '../common/query';

export interface FlavorListQuery {
  marker?: string;
  limit?: number;
  detailed?: boolean;
}

export function flavorPath(name: string): string {
  return `/v2/flavors/${name}`;
}

/** A flavor as GET and PATCH show it. */
export function flavorView(name: string, pools: string[], capabilities: string[]) {
  return { name, capabilities, pool_list: pools, href: flavorPath(name) };
}

/** A flavor in a listing: its pools only when it has some, its capabilities only in detail. */
export function flavorEntry(name: string, pools: string[], capabilities: string[] | undefined) {
  return {
    name,
    href: flavorPath(name),
    ...(pools.length ? { pool_list: pools } : {}),
    ...(capabilities ? { capabilities } : {}),
  };
}

/** The next page of a flavor listing: Zaqar adds `detailed`, when the caller gave it, after the marker. */
export function flavorsNextHref(query: FlavorListQuery, marker: string): string {
  const params = nextPageQuery([['limit', query.limit]], query.marker !== undefined, marker, [
    ['detailed', query.detailed],
  ]);
  return `/v2/flavors${params}`;
}
