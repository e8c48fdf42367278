import { FieldSchema, ObjectSchema, schemaFault } from '../common/body-schema';
import { InvalidRequestBody } from '../common/errors';
import { isJsonObject, loadDocument } from '../common/request-body';
import type { PoolChanges, PoolRecord } from '../storage/pool-registry.contract';

const WEIGHT: FieldSchema = { type: 'integer', minimum: 0, maximum: 2 ** 32 - 1 };
// Zaqar's schema names format 'uri' but checks no format; whether the URI serves is asked of the pool.
const URI: FieldSchema = { type: 'string', maxLength: 255 };
const FLAVOR: FieldSchema = { type: 'string', maxLength: 255 };
const OPTIONS: FieldSchema = { type: 'object' };

/** zaqar/common/api/schemas/pools.py `create`: a PUT may carry these fields and no other. */
const CREATE: ObjectSchema = {
  properties: { weight: WEIGHT, flavor: FLAVOR, uri: URI, options: OPTIONS },
  required: ['uri', 'weight'],
  additionalProperties: false,
};

/**
 * Zaqar's patch_* schemas, checked in its order. Their additionalProperties sits inside
 * `properties`, where it forbids nothing: a PATCH may carry other fields, which are ignored.
 */
const PATCH: ObjectSchema = { properties: { weight: WEIGHT, uri: URI, flavor: FLAVOR, options: OPTIONS } };
const PATCHABLE = Object.keys(PATCH.properties) as Array<keyof PoolChanges>;

/** A pool as a PUT describes it: everything but its name. */
export type NewPool = Omit<PoolRecord, 'name'>;

export function readNewPool(body: unknown): NewPool {
  const document = loadDocument(body);
  const fault = schemaFault(CREATE, document);
  if (fault) throw new InvalidRequestBody(fault);
  const { uri, weight, flavor, options } = document as Partial<NewPool>;
  return { uri: uri!, weight: weight!, flavor: flavor ?? null, options: options ?? {} };
}

export function readPoolChanges(body: unknown): PoolChanges {
  const document = loadDocument(body);
  if (!isJsonObject(document) || !PATCHABLE.some((field) => Object.hasOwn(document, field))) {
    throw new InvalidRequestBody('One of `uri`, `weight`, `flavor`, or `options` needs to be specified');
  }
  const fault = schemaFault(PATCH, document);
  if (fault) throw new InvalidRequestBody(fault);
  return Object.fromEntries(PATCHABLE.filter((field) => Object.hasOwn(document, field)).map((f) => [f, document[f]]));
}
