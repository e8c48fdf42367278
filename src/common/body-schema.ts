import { pythonRepr } from '../identity/signed-url/python-repr';
import { isJsonObject } from './request-body';

export type JsonType = 'string' | 'integer' | 'boolean' | 'array' | 'object';

/** The JSON Schema keywords Zaqar's pool and flavor schemas use (zaqar/common/api/schemas). */
export interface FieldSchema {
  type: JsonType;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  items?: FieldSchema;
}

export interface ObjectSchema {
  /** Checked in this order, each only when the document has it. */
  properties: Record<string, FieldSchema>;
  required?: string[];
  /** false: a field not in `properties` is an error. */
  additionalProperties?: boolean;
}

export function hasJsonType(value: unknown, type: JsonType): boolean {
  if (type === 'integer') return Number.isInteger(value);
  if (type === 'array') return Array.isArray(value);
  if (type === 'object') return isJsonObject(value);
  return typeof value === type;
}

/**
 * The first way `document` breaks the schema, worded as Python's jsonschema words it (values as
 * Python's repr), in the order jsonschema finds it: the document's type, each property, the
 * required ones, then the unexpected ones. Null when it fits.
 */
export function schemaFault(schema: ObjectSchema, document: unknown): string | null {
  if (!isJsonObject(document)) return typeFault(document, 'object');
  for (const [name, field] of Object.entries(schema.properties)) {
    const fault = Object.hasOwn(document, name) ? fieldFault(field, document[name]) : null;
    if (fault) return fault;
  }
  const missing = schema.required?.find((name) => !Object.hasOwn(document, name));
  if (missing !== undefined) return `${pythonRepr(missing)} is a required property`;
  if (schema.additionalProperties === false) {
    const extra = Object.keys(document).filter((name) => !Object.hasOwn(schema.properties, name));
    if (extra.length) {
      return `Additional properties are not allowed (${extra.map(pythonRepr).join(', ')} ${extra.length === 1 ? 'was' : 'were'} unexpected)`;
    }
  }
  return null;
}

function fieldFault(field: FieldSchema, value: unknown): string | null {
  if (!hasJsonType(value, field.type)) return typeFault(value, field.type);
  const shown = () => pythonRepr(value);
  if (field.minimum !== undefined && (value as number) < field.minimum) {
    return `${shown()} is less than the minimum of ${field.minimum}`;
  }
  if (field.maximum !== undefined && (value as number) > field.maximum) {
    return `${shown()} is greater than the maximum of ${field.maximum}`;
  }
  // jsonschema counts code points, as Python's len() does
  if (field.maxLength !== undefined && [...(value as string)].length > field.maxLength) return `${shown()} is too long`;
  if (field.items) {
    for (const item of value as unknown[]) {
      const fault = fieldFault(field.items, item);
      if (fault) return fault;
    }
  }
  return null;
}

function typeFault(value: unknown, type: JsonType): string {
  return `${pythonRepr(value)} is not of type '${type}'`;
}
