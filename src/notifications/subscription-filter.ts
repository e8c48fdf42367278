/**
 * A subscription's optional filter, its `_filter` option (beyond Zaqar, after SNS filter policies;
 * underscored like `_retry_policy`): which messages the subscriber is told of, judged on the body. Each key names a field and holds either a
 * list of conditions, any of which may match, or a nested filter for a nested object; every key
 * must match.
 *
 *   { "kind": ["image", 42, true], "name": [{ "prefix": "img-" }],
 *     "size": [{ "numeric": [">=", 10, "<", 20] }], "draft": [{ "exists": false }],
 *     "meta": { "region": ["eu"] } }
 *
 * A field holding a list matches when any of its items does. A body that is not an object has no
 * fields, so only conditions that absence satisfies (`exists: false`) match it.
 */

type Exact = string | number | boolean | null;
type Comparison = '=' | '<' | '<=' | '>' | '>=';

export type FilterCondition = Exact | { prefix: string } | { numeric: (Comparison | number)[] } | { exists: boolean };

export interface SubscriptionFilter {
  [field: string]: FilterCondition[] | SubscriptionFilter;
}

/** The option that holds a subscription's filter, and how its faults name it. */
export const FILTER_OPTION = '_filter';
const MAX_DEPTH = 5;
const MAX_VALUES = 100;
const COMPARISONS = new Set(['=', '<', '<=', '>', '>=']);
const LOWER_BOUNDS = new Set(['>', '>=']);
const UPPER_BOUNDS = new Set(['<', '<=']);

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Why `raw` is not a usable filter, or null when it is one. */
export function validateFilter(raw: unknown): string | null {
  if (!isObject(raw)) return `${FILTER_OPTION} must be an object.`;
  let values = 0;
  const check = (filter: Json, path: string[]): string | null => {
    if (path.length >= MAX_DEPTH) return `${FILTER_OPTION} nests deeper than ${MAX_DEPTH} levels.`;
    if (Object.keys(filter).length === 0) return `${FILTER_OPTION}${where(path)} must not be empty.`;
    for (const [field, value] of Object.entries(filter)) {
      const at = [...path, field];
      if (isObject(value)) {
        const fault = check(value, at);
        if (fault) return fault;
        continue;
      }
      if (!Array.isArray(value)) return `${FILTER_OPTION}${where(at)} must be a list of values or an object.`;
      if (value.length === 0) return `${FILTER_OPTION}${where(at)} must not be an empty list.`;
      values += value.length;
      if (values > MAX_VALUES) return `${FILTER_OPTION} has more than ${MAX_VALUES} values.`;
      for (const condition of value) {
        const fault = conditionFault(condition);
        if (fault) return `${FILTER_OPTION}${where(at)}: ${fault}`;
      }
    }
    return null;
  };
  return check(raw, []);
}

function where(path: string[]): string {
  return path.length ? ` at ${path.map((field) => JSON.stringify(field)).join('.')}` : '';
}

function conditionFault(condition: unknown): string | null {
  if (condition === null || ['string', 'number', 'boolean'].includes(typeof condition)) return null;
  if (!isObject(condition)) return 'values must be strings, numbers, booleans, null or operator objects.';
  const operators = Object.keys(condition);
  if (operators.length !== 1) return 'an operator object holds exactly one operator.';
  const [operator] = operators;
  const operand = condition[operator];
  switch (operator) {
    case 'prefix':
      return typeof operand === 'string' ? null : 'prefix takes a string.';
    case 'exists':
      return typeof operand === 'boolean' ? null : 'exists takes true or false.';
    case 'numeric':
      return numericFault(operand);
    default:
      return `unknown operator ${JSON.stringify(operator)}.`;
  }
}

function numericFault(operand: unknown): string | null {
  const usage = 'numeric takes [comparison, number] or [">" or ">=", number, "<" or "<=", number].';
  if (!Array.isArray(operand) || (operand.length !== 2 && operand.length !== 4)) return usage;
  for (let i = 0; i < operand.length; i += 2) {
    if (!COMPARISONS.has(operand[i]) || typeof operand[i + 1] !== 'number') return usage;
  }
  if (operand.length === 4) {
    if (!LOWER_BOUNDS.has(operand[0]) || !UPPER_BOUNDS.has(operand[2])) return usage;
    if (operand[1] > operand[3]) return 'numeric range: the lower bound is above the upper.';
  }
  return null;
}

/** Whether a message body passes a filter that validateFilter accepted. */
export function matchesFilter(filter: SubscriptionFilter, body: unknown): boolean {
  const fields = isObject(body) ? body : {};
  return Object.entries(filter).every(([field, expected]) => {
    const present = Object.hasOwn(fields, field);
    if (!Array.isArray(expected)) return matchesFilter(expected, present ? fields[field] : undefined);
    return expected.some((condition) => satisfies(condition, present, fields[field]));
  });
}

function satisfies(condition: FilterCondition, present: boolean, value: unknown): boolean {
  if (typeof condition === 'object' && condition !== null && 'exists' in condition) return condition.exists === present;
  if (!present) return false;
  const candidates = Array.isArray(value) ? value : [value];
  return candidates.some((candidate) => matchesValue(condition, candidate));
}

function matchesValue(condition: Exclude<FilterCondition, { exists: boolean }>, candidate: unknown): boolean {
  if (typeof condition !== 'object' || condition === null) return candidate === condition;
  if ('prefix' in condition) return typeof candidate === 'string' && candidate.startsWith(condition.prefix);
  return typeof candidate === 'number' && inRange(condition.numeric, candidate);
}

function inRange(comparisons: (Comparison | number)[], value: number): boolean {
  for (let i = 0; i < comparisons.length; i += 2) {
    const bound = comparisons[i + 1] as number;
    const holds = {
      '=': value === bound,
      '<': value < bound,
      '<=': value <= bound,
      '>': value > bound,
      '>=': value >= bound,
    }[comparisons[i] as Comparison];
    if (!holds) return false;
  }
  return true;
}
