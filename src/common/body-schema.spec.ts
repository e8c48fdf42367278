import { ObjectSchema, schemaFault } from './body-schema';

const SCHEMA: ObjectSchema = {
  properties: {
    weight: { type: 'integer', minimum: 0, maximum: 10 },
    name: { type: 'string', maxLength: 3 },
    tags: { type: 'array', items: { type: 'string' } },
    options: { type: 'object' },
  },
  required: ['name', 'weight'],
  additionalProperties: false,
};

// Each expected text is what Python's jsonschema 4 (Draft4Validator) says for the same document.
describe('schemaFault', () => {
  it('accepts a document that fits', () => {
    expect(schemaFault(SCHEMA, { weight: 0, name: 'abc', tags: ['a'], options: {} })).toBeNull();
  });

  it('words type faults with Python reprs of the value', () => {
    expect(schemaFault(SCHEMA, [])).toBe("[] is not of type 'object'");
    expect(schemaFault(SCHEMA, { weight: 'big', name: 'a' })).toBe("'big' is not of type 'integer'");
    expect(schemaFault(SCHEMA, { weight: true, name: 'a' })).toBe("True is not of type 'integer'");
    expect(schemaFault(SCHEMA, { weight: 1.5, name: 'a' })).toBe("1.5 is not of type 'integer'");
    expect(schemaFault(SCHEMA, { weight: 1, name: null })).toBe("None is not of type 'string'");
    expect(schemaFault(SCHEMA, { weight: 1, name: 'a', options: 'wee' })).toBe("'wee' is not of type 'object'");
    expect(schemaFault(SCHEMA, { weight: 1, name: 'a', tags: [1] })).toBe("1 is not of type 'string'");
  });

  it('words bounds and lengths as jsonschema does, counting code points', () => {
    expect(schemaFault(SCHEMA, { weight: -1, name: 'a' })).toBe('-1 is less than the minimum of 0');
    expect(schemaFault(SCHEMA, { weight: 11, name: 'a' })).toBe('11 is greater than the maximum of 10');
    expect(schemaFault(SCHEMA, { weight: 1, name: 'abcd' })).toBe("'abcd' is too long");
    expect(schemaFault(SCHEMA, { weight: 1, name: '😀😀😀' })).toBeNull();
  });

  it('checks properties in schema order, then required ones, then unexpected ones', () => {
    expect(schemaFault(SCHEMA, { name: 'abcd', weight: -1 })).toBe('-1 is less than the minimum of 0');
    expect(schemaFault(SCHEMA, { x: 1 })).toBe("'name' is a required property");
    expect(schemaFault(SCHEMA, { weight: 1 })).toBe("'name' is a required property");
    expect(schemaFault(SCHEMA, { weight: 1, name: 'a', x: 1 })).toBe(
      "Additional properties are not allowed ('x' was unexpected)",
    );
    expect(schemaFault(SCHEMA, { weight: 1, name: 'a', x: 1, y: 2 })).toBe(
      "Additional properties are not allowed ('x', 'y' were unexpected)",
    );
  });

  it('lets other fields through unless additionalProperties is false', () => {
    expect(schemaFault({ properties: { weight: { type: 'integer' } } }, { weight: 1, location: 100 })).toBeNull();
  });
});
