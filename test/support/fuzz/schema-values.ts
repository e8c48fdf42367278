import fc from 'fast-check';
import { hostileJson, hostileText } from './hostile';
import { type FuzzJson, isObjectValue, objectOf } from './json-text';

/** An OpenAPI schema object, as the server's document gives it. */
export type Schema = Record<string, any>;

/**
 * How to make valid values: the document's component schemas, and, by field name, the values a
 * schema cannot tell (a pool URI that answers, a subscriber on this machine, a queue that exists).
 */
export interface ValueContext {
  components: Record<string, Schema>;
  fields: Record<string, fc.Arbitrary<FuzzJson>>;
}

/** A value that fits `schema`, most of the time at its bounds. */
export function validValue(schema: Schema, ctx: ValueContext, field?: string): fc.Arbitrary<FuzzJson> {
  if (field !== undefined && Object.hasOwn(ctx.fields, field)) return ctx.fields[field];
  if (schema.$ref) return validValue(ctx.components[String(schema.$ref).split('/').pop()!], ctx, field);
  const value = plainValid(schema, ctx);
  return schema.nullable ? fc.oneof({ arbitrary: value, weight: 4 }, fc.constant(null)) : value;
}

function plainValid(schema: Schema, ctx: ValueContext): fc.Arbitrary<FuzzJson> {
  if (schema.enum) return fc.constantFrom(...(schema.enum as FuzzJson[]));
  if (schema.oneOf) return fc.oneof(...(schema.oneOf as Schema[]).map((option) => validValue(option, ctx)));
  switch (schema.type) {
    case 'integer': {
      const min = schema.minimum ?? 0;
      const max = schema.maximum ?? min + 100_000;
      return fc.oneof(fc.constant(min), fc.constant(max), fc.integer({ min, max }));
    }
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'string':
      return fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: Math.min(schema.maxLength ?? 24, 24) });
    case 'array': {
      const minLength = schema.minItems ?? 0;
      return fc.array(validValue(schema.items ?? {}, ctx), { minLength, maxLength: Math.max(minLength, 4) });
    }
    case 'object':
      return validObject(schema, ctx);
    default:
      return fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<FuzzJson>;
  }
}

function validObject(schema: Schema, ctx: ValueContext): fc.Arbitrary<FuzzJson> {
  const properties: Record<string, Schema> = schema.properties ?? {};
  if (!Object.keys(properties).length) {
    return fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<FuzzJson>, {
      maxKeys: 3,
    });
  }
  const model = Object.fromEntries(
    Object.entries(properties).map(([name, field]) => [name, validValue(field, ctx, name)]),
  );
  return fc.record(model, { requiredKeys: schema.required ?? [] }) as fc.Arbitrary<FuzzJson>;
}

/** Where a value is in a tree: keys and indexes from its root. */
type Path = Array<string | number>;

function pathsOf(value: FuzzJson, at: Path = [], paths: Path[] = []): Path[] {
  paths.push(at);
  if (Array.isArray(value)) value.forEach((item, i) => pathsOf(item, [...at, i], paths));
  else if (isObjectValue(value)) for (const [key, item] of Object.entries(value)) pathsOf(item, [...at, key], paths);
  return paths;
}

function copy(value: FuzzJson): FuzzJson {
  if (Array.isArray(value)) return value.map(copy);
  if (isObjectValue(value)) return objectOf(Object.entries(value).map(([k, v]) => [k, copy(v)]));
  return value;
}

type Mutation = 'replace' | 'remove' | 'add' | 'wrap';

/** `value` with one node changed as `how` says: at its root or anywhere inside. */
function mutate(value: FuzzJson, n: number, how: Mutation, junk: FuzzJson, key: string): FuzzJson {
  const root = copy(value);
  const paths = pathsOf(root);
  const path = paths[n % paths.length];
  const change = (node: FuzzJson): FuzzJson | undefined => {
    switch (how) {
      case 'replace':
        return junk;
      case 'remove':
        return undefined;
      case 'add':
        if (Array.isArray(node)) return [...node, junk];
        if (isObjectValue(node)) return objectOf([...Object.entries(node), [key, junk]]);
        return junk;
      case 'wrap':
        return [node];
    }
  };
  if (!path.length) return change(root) ?? objectOf([]);
  let parent = root;
  for (const step of path.slice(0, -1)) parent = (parent as any)[step];
  const last = path[path.length - 1];
  const changed = change((parent as any)[last]);
  if (changed !== undefined) (parent as any)[last] = changed;
  else if (Array.isArray(parent)) parent.splice(last as number, 1);
  else delete (parent as any)[last];
  return root;
}

/** Keys a hostile client adds: the real ones misspelt or re-cased, and the prototype's. */
const ODD_KEYS = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'Body', 'TTL', 'messages ', 'ttl\u0000', ''),
  hostileText,
);

/** A valid value with one part broken: a field of the wrong type, missing, extra, or wrapped. */
export function brokenValue(valid: fc.Arbitrary<FuzzJson>): fc.Arbitrary<FuzzJson> {
  return fc
    .tuple(
      valid,
      fc.nat(),
      fc.constantFrom<Mutation>('replace', 'replace', 'remove', 'add', 'wrap'),
      hostileJson,
      ODD_KEYS,
    )
    .map(([value, n, how, junk, key]) => mutate(value, n, how, junk, key));
}

/** Valid most of the time, broken the rest: valid requests reach deeper code, broken ones probe it. */
export function mostlyValid(valid: fc.Arbitrary<FuzzJson>, validWeight = 1): fc.Arbitrary<FuzzJson> {
  return fc.oneof({ arbitrary: valid, weight: validWeight }, { arbitrary: brokenValue(valid), weight: 1 });
}

/** A value from `arbitrary` one time in `n`, null the others. */
export function oneIn<T>(n: number, arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | null> {
  return fc.oneof({ arbitrary: fc.constant(null), weight: n - 1 }, { arbitrary, weight: 1 });
}
