import { BadRequest, InvalidApiRequest } from './errors';

/** Query parameters as Fastify gives them: repeated keys arrive as arrays. */
export type Query = Record<string, string | string[] | undefined>;

const TRUE = new Set(['true', 't', 'yes', 'y', '1', 'on']);
const FALSE = new Set(['false', 'f', 'no', 'n', '0', 'off']);

function raw(query: Query, name: string): string | undefined {
  const value = query[name];
  const last = Array.isArray(value) ? value[value.length - 1] : value;
  return last === '' ? undefined : last; // Zaqar drops blank values
}

function invalid(name: string, why: string): BadRequest {
  return new BadRequest('Invalid parameter', `The "${name}" parameter is invalid. ${why}`);
}

export function stringParam(query: Query, name: string): string | undefined {
  return raw(query, name);
}

export function intParam(query: Query, name: string): number | undefined {
  const value = raw(query, name);
  if (value === undefined) return undefined;
  if (!/^\s*[-+]?\d+\s*$/.test(value)) throw invalid(name, 'The value must be an integer.');
  return Number(value);
}

export function boolParam(query: Query, name: string): boolean | undefined {
  const value = raw(query, name);
  if (value === undefined) return undefined;
  const lower = value.toLowerCase();
  if (TRUE.has(lower)) return true;
  if (FALSE.has(lower)) return false;
  throw invalid(name, 'The value of the parameter must be "true" or "false".');
}

/** Comma-separated (or repeated) values, as Zaqar reads `ids` and `claim_ids`. */
export function listParam(query: Query, name: string): string[] | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  const items = (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(',')).filter((v) => v !== '');
  return items.length ? items : undefined;
}

/** A listing's page size: 10 unless asked, and within 1..max, with Zaqar's text (queues, pools, flavors). */
export function listingLimit(limit: number | undefined, max: number): number {
  if (limit !== undefined && !(limit > 0 && limit <= max)) {
    throw new InvalidApiRequest(`Limit must be at least 1 and no greater than ${max}.`);
  }
  return limit ?? 10;
}

type QueryParam = [string, string | number | boolean | undefined];

/** Builds `?a=1&b=true` for next links, keeping the order given. */
export function toQueryString(params: QueryParam[]): string {
  const parts = params
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

/**
 * A next link's query: the caller's parameters in Zaqar's order and the new marker, which stands
 * first when the request gave one (Falcon keeps the key where it was) and last when it did not;
 * `after` are parameters Zaqar adds once the marker is set.
 */
export function nextPageQuery(
  params: QueryParam[],
  markerGiven: boolean,
  marker: string | undefined,
  after: QueryParam[] = [],
): string {
  const paging: QueryParam[] = markerGiven ? [['marker', marker], ...params] : [...params, ['marker', marker]];
  return toQueryString([...paging, ...after]);
}
