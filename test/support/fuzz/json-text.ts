import type { Known } from './known';

/** A JSON literal written as given: integers beyond 64 bits, `1e999`, `-0`, text nested deeper than a tree is built. */
export class RawJson {
  constructor(readonly text: string) {}
}

/**
 * A value that names something the server made during the run (a message id, a claim id), chosen by
 * index when the request is sent: the generated input stays the same for a seed, the id it lands on
 * is whatever the server holds then.
 */
export class Pick {
  constructor(
    readonly resolve: (known: Known) => FuzzJson,
    /** How the value reads in a report, before it is resolved. */
    readonly label: string,
  ) {}
}

export type FuzzJson = null | boolean | number | string | RawJson | Pick | FuzzJson[] | { [key: string]: FuzzJson };

/** An object with these own keys, `__proto__` included (an object literal would set the prototype instead). */
export function objectOf(entries: Array<[string, FuzzJson]>): { [key: string]: FuzzJson } {
  const object: { [key: string]: FuzzJson } = {};
  for (const [key, value] of entries) {
    Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return object;
}

export function isObjectValue(value: FuzzJson | undefined): value is { [key: string]: FuzzJson } {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof RawJson) &&
    !(value instanceof Pick)
  );
}

/** The value with every Pick resolved against what the server holds now. */
export function resolved(value: FuzzJson, known: Known): FuzzJson {
  if (value instanceof Pick) return resolved(value.resolve(known), known);
  if (Array.isArray(value)) return value.map((item) => resolved(item, known));
  if (isObjectValue(value)) return objectOf(Object.entries(value).map(([k, v]) => [k, resolved(v, known)]));
  return value;
}

/** JSON text of a resolved value, RawJson written verbatim. */
export function jsonText(value: FuzzJson): string {
  if (value instanceof RawJson) return value.text;
  if (value instanceof Pick) return `"${value.label}"`;
  if (Array.isArray(value)) return `[${value.map(jsonText).join(',')}]`;
  if (isObjectValue(value)) {
    return `{${Object.entries(value)
      .map(([key, item]) => `${JSON.stringify(key)}:${jsonText(item)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A plain value for transports that serialise it themselves (Socket.IO): RawJson read back by JSON.parse. */
export function plainValue(value: FuzzJson): unknown {
  if (value instanceof RawJson) {
    try {
      return JSON.parse(value.text);
    } catch {
      return value.text;
    }
  }
  if (Array.isArray(value)) return value.map(plainValue);
  if (isObjectValue(value)) {
    const plain: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      Object.defineProperty(plain, key, {
        value: plainValue(item),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return plain;
  }
  return value;
}

/** `leaf` inside `depth` arrays or single-key objects: JSON text no tree walk of ours has to build. */
export function nestedText(depth: number, shape: 'array' | 'object', leaf = '1'): RawJson {
  const [open, close] = shape === 'array' ? ['[', ']'] : ['{"a":', '}'];
  return new RawJson(open.repeat(depth) + leaf + close.repeat(depth));
}
