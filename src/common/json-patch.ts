import { Conflict, InvalidRequestBody } from './errors';

/** The only PATCH media type Zaqar v2 accepts for queue metadata. */
export const JSON_PATCH_MEDIA_TYPE = 'application/openstack-messaging-v2.0-json-patch';

const OPERATIONS = ['add', 'remove', 'replace'] as const;
type Operation = (typeof OPERATIONS)[number];

export interface MetadataChange {
  op: Operation;
  /** The metadata key the change touches (the pointer is always /metadata/<key>). */
  key: string;
  value?: unknown;
}

/**
 * Validates a JSON-patch document against Zaqar's restricted form: an array of add/remove/replace
 * operations on `/metadata/<key>`. Errors carry Zaqar's wording.
 */
export function parseMetadataPatch(document: unknown): MetadataChange[] {
  if (!Array.isArray(document)) throw new InvalidRequestBody('Request body must be a JSON array of operation objects.');
  return document.map((raw) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new InvalidRequestBody('Operations must be JSON objects.');
    }
    const change = raw as Record<string, unknown>;
    const op = change.op;
    if (op === undefined) {
      throw new InvalidRequestBody(
        `Unable to find \`op\` in JSON Schema change. It must be one of the following: ${OPERATIONS.join(', ')}.`,
      );
    }
    if (!OPERATIONS.includes(op as Operation)) {
      throw new InvalidRequestBody(
        `Invalid operation: \`${String(op)}\`. It must be one of the following: ${OPERATIONS.join(', ')}.`,
      );
    }
    if (typeof change.path !== 'string') throw new InvalidRequestBody("Unable to find 'path' in JSON Schema change");
    const path = decodePointer(change.path);
    if (path.length !== 2) {
      throw new InvalidRequestBody(`Invalid JSON pointer for this resource: '/${path.join('/')}, e.g /metadata/key'`);
    }
    const parsed: MetadataChange = { op: op as Operation, key: path[1] };
    if (op !== 'remove') {
      if (!('value' in change))
        throw new InvalidRequestBody(`Operation "${String(op)}" requires a member named "value".`);
      if (path[0].toLowerCase() !== 'metadata') {
        throw new InvalidRequestBody('The root of path must be metadata, e.g /metadata/key.');
      }
      parsed.value = change.value;
    }
    return parsed;
  });
}

function decodePointer(pointer: string): string[] {
  if (!pointer.startsWith('/')) throw new InvalidRequestBody(`Pointer \`${pointer}\` does not start with "/".`);
  if (/\/\s*?\//.test(pointer.slice(1))) throw new InvalidRequestBody(`Pointer \`${pointer}\` contains adjacent "/".`);
  if (pointer.length > 1 && pointer.endsWith('/')) throw new InvalidRequestBody(`Pointer \`${pointer}\` end with "/".`);
  if (/~[^01]/.test(pointer) || pointer.endsWith('~')) {
    throw new InvalidRequestBody(`Pointer \`${pointer}\` contains "~" not part of a recognized escape sequence.`);
  }
  return pointer
    .replace(/^\/+/, '')
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~').trim());
}

/**
 * Applies the changes to a copy of the metadata. Replacing or removing a key that is absent is a
 * conflict, except for reserved keys, which always exist through their defaults.
 */
export function applyMetadataPatch(
  metadata: Record<string, unknown>,
  changes: MetadataChange[],
  reserved: Record<string, unknown>,
): Record<string, unknown> {
  const result = { ...metadata };
  for (const change of changes) {
    const present = change.key in result;
    if (change.op === 'add') {
      result[change.key] = change.value;
    } else if (change.op === 'replace') {
      if (!present && !(change.key in reserved)) throw new Conflict(`Can't replace non-existent object ${change.key}.`);
      result[change.key] = change.value;
    } else if (present) {
      delete result[change.key];
    } else if (!(change.key in reserved)) {
      throw new Conflict(`Can't remove non-existent object ${change.key}.`);
    }
  }
  return result;
}
