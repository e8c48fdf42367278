import { FieldSchema, ObjectSchema, schemaFault } from '../common/body-schema';
import { BadRequest, InvalidRequestBody } from '../common/errors';
import { isJsonObject, loadDocument } from '../common/request-body';

// Beyond Zaqar's schema, which takes any array: pool names are strings.
const POOL_LIST: FieldSchema = { type: 'array', items: { type: 'string' } };

/** zaqar/common/api/schemas/flavors.py `create`. */
const CREATE: ObjectSchema = {
  properties: { pool_list: POOL_LIST, capabilities: { type: 'object' } },
  required: ['pool_list'],
  additionalProperties: false,
};

/** Its patch_pool_list, whose misplaced additionalProperties forbids nothing: other fields are ignored. */
const PATCH: ObjectSchema = { properties: { pool_list: POOL_LIST } };

/**
 * The pools a PUT gives the flavor. Capabilities in the body are checked as an object and then
 * ignored: Zaqar reports those of the flavor's pools.
 */
export function readFlavorPools(body: unknown): string[] {
  const document = loadDocument(body);
  const fault = schemaFault(CREATE, document);
  if (fault) throw new InvalidRequestBody(fault);
  return nonEmpty((document as { pool_list: string[] }).pool_list);
}

/** The pools a PATCH gives the flavor instead of the ones it has. */
export function readNewFlavorPools(body: unknown): string[] {
  const document = loadDocument(body);
  if (!isJsonObject(document) || !Object.hasOwn(document, 'pool_list')) {
    throw new InvalidRequestBody('`pool_list` needs to be specified');
  }
  const fault = schemaFault(PATCH, document);
  if (fault) throw new InvalidRequestBody(fault);
  return nonEmpty(document.pool_list as string[]);
}

/** Zaqar's words for an empty list, on a PATCH too. */
function nonEmpty(pools: string[]): string[] {
  if (!pools.length) throw new BadRequest('Unable to create', 'Bad Request');
  return pools;
}
