import { BadRequest, InvalidRequestBody } from '../common/errors';
import { MALFORMED_JSON } from '../common/request-body';
import { readFlavorPools, readNewFlavorPools } from './flavor-body';

const invalid = (description: string) => new InvalidRequestBody(description);
const EMPTY = new BadRequest('Unable to create', 'Bad Request');

describe('a flavor PUT body', () => {
  it('gives the flavor its pool_list; capabilities may come along and are not kept', () => {
    expect(readFlavorPools({ pool_list: ['a', 'b'] })).toEqual(['a', 'b']);
    expect(readFlavorPools({ pool_list: ['a'], capabilities: {} })).toEqual(['a']);
  });

  it('needs a pool_list (test_put_raises_if_missing_fields)', () => {
    expect(() => readFlavorPools({})).toThrow(invalid("'pool_list' is a required property"));
    expect(() => readFlavorPools({ capabilities: {} })).toThrow(invalid("'pool_list' is a required property"));
  });

  it('refuses a pool_list that is not a non-empty list of names (test_put_raises_if_invalid_pool)', () => {
    expect(() => readFlavorPools({ pool_list: 1 })).toThrow(invalid("1 is not of type 'array'"));
    expect(() => readFlavorPools({ pool_list: 2 ** 32 + 1 })).toThrow(invalid("4294967297 is not of type 'array'"));
    expect(() => readFlavorPools({ pool_list: [] })).toThrow(EMPTY);
    expect(() => readFlavorPools({ pool_list: [1] })).toThrow(invalid("1 is not of type 'string'"));
  });

  it('refuses capabilities that are not an object, other fields, and bodies that are not JSON objects', () => {
    expect(() => readFlavorPools({ pool_list: ['a'], capabilities: [] })).toThrow(
      invalid("[] is not of type 'object'"),
    );
    expect(() => readFlavorPools({ pool_list: ['a'], location: 1 })).toThrow(
      invalid("Additional properties are not allowed ('location' was unexpected)"),
    );
    expect(() => readFlavorPools(MALFORMED_JSON)).toThrow(invalid('JSON could not be parsed.'));
    expect(() => readFlavorPools(['a'])).toThrow(invalid("['a'] is not of type 'object'"));
  });
});

describe('a flavor PATCH body', () => {
  const NEEDED = invalid('`pool_list` needs to be specified');

  it('takes the new pool_list and ignores other fields (test_patch_works_with_extra_fields)', () => {
    expect(readNewFlavorPools({ pool_list: ['a'], capabilities: [], location: 100, partition: 'taco' })).toEqual(['a']);
  });

  it('needs a pool_list (test_patch_raises_if_missing_fields, test_patch_raises_400_on_invalid_capabilities)', () => {
    expect(() => readNewFlavorPools({ location: 1 })).toThrow(NEEDED);
    expect(() => readNewFlavorPools({ capabilities: 'wee' })).toThrow(NEEDED);
    expect(() => readNewFlavorPools([])).toThrow(NEEDED);
  });

  it('refuses a pool_list that is not a non-empty list of names (test_patch_raises_400_on_invalid_pool_list)', () => {
    expect(() => readNewFlavorPools({ pool_list: -1 })).toThrow(invalid("-1 is not of type 'array'"));
    expect(() => readNewFlavorPools({ pool_list: [] })).toThrow(EMPTY);
    expect(() => readNewFlavorPools({ pool_list: [null] })).toThrow(invalid("None is not of type 'string'"));
  });
});
