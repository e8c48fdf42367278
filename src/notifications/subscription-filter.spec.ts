import { matchesFilter, validateFilter, type SubscriptionFilter } from './subscription-filter';

describe('validateFilter', () => {
  it.each([
    ['exact values of each kind', { kind: ['image', 42, true, null] }],
    ['operators', { name: [{ prefix: 'img-' }], size: [{ numeric: ['>=', 10, '<', 20] }], draft: [{ exists: false }] }],
    ['a single comparison', { size: [{ numeric: ['=', 3] }] }],
    ['nested fields five levels deep', { a: { b: { c: { d: { e: ['x'] } } } } }],
    ['a hundred values', { n: Array.from({ length: 100 }, (_, i) => i) }],
  ])('accepts %s', (_case, filter) => {
    expect(validateFilter(filter)).toBeNull();
  });

  it.each([
    ['a list', ['x'], '_filter must be an object.'],
    ['null', null, '_filter must be an object.'],
    ['an empty filter', {}, '_filter must not be empty.'],
    ['an empty nested filter', { a: {} }, '_filter at "a" must not be empty.'],
    ['an empty list', { a: { b: [] } }, '_filter at "a"."b" must not be an empty list.'],
    ['a bare value', { a: 'x' }, '_filter at "a" must be a list of values or an object.'],
    [
      'a nested list',
      { a: [['x']] },
      '_filter at "a": values must be strings, numbers, booleans, null or operator objects.',
    ],
    ['an unknown operator', { a: [{ suffix: 'x' }] }, '_filter at "a": unknown operator "suffix".'],
    [
      'two operators in one object',
      { a: [{ prefix: 'x', exists: true }] },
      '_filter at "a": an operator object holds exactly one operator.',
    ],
    ['a prefix that is not a string', { a: [{ prefix: 1 }] }, '_filter at "a": prefix takes a string.'],
    ['exists that is not a boolean', { a: [{ exists: 'yes' }] }, '_filter at "a": exists takes true or false.'],
  ])('refuses %s', (_case, filter, text) => {
    expect(validateFilter(filter)).toBe(text);
  });

  const numericUsage =
    '_filter at "n": numeric takes [comparison, number] or [">" or ">=", number, "<" or "<=", number].';
  it.each([
    ['not a list', 5],
    ['an odd length', ['>', 1, '<']],
    ['an unknown comparison', ['!=', 1]],
    ['a string operand', ['>', '1']],
    ['an upper bound first', ['<', 20, '>', 10]],
    ['three comparisons', ['>', 1, '<', 5, '=', 3]],
  ])('refuses a numeric operand that is %s', (_case, operand) => {
    expect(validateFilter({ n: [{ numeric: operand }] })).toBe(numericUsage);
  });

  it('refuses a numeric range whose bounds are crossed', () => {
    expect(validateFilter({ n: [{ numeric: ['>', 20, '<', 10] }] })).toBe(
      '_filter at "n": numeric range: the lower bound is above the upper.',
    );
  });

  it('refuses nesting over five levels and over a hundred values in all', () => {
    expect(validateFilter({ a: { b: { c: { d: { e: { f: ['x'] } } } } } })).toBe('_filter nests deeper than 5 levels.');
    expect(validateFilter({ a: Array(60).fill('x'), b: { c: Array(41).fill(1) } })).toBe(
      '_filter has more than 100 values.',
    );
  });
});

describe('matchesFilter', () => {
  const matches = (filter: SubscriptionFilter, body: unknown) => {
    expect(validateFilter(filter)).toBeNull();
    return matchesFilter(filter, body);
  };

  it('exact values: any of the list, with the JSON type kept', () => {
    const filter = { kind: ['image', 42, true] };
    expect(matches(filter, { kind: 'image' })).toBe(true);
    expect(matches(filter, { kind: 42 })).toBe(true);
    expect(matches(filter, { kind: true })).toBe(true);
    expect(matches(filter, { kind: '42' })).toBe(false);
    expect(matches(filter, { kind: 'video' })).toBe(false);
    expect(matches(filter, { other: 'image' })).toBe(false);
  });

  it('null matches a field that holds null, not a missing one', () => {
    expect(matches({ a: [null] }, { a: null })).toBe(true);
    expect(matches({ a: [null] }, {})).toBe(false);
  });

  it('prefix matches strings only', () => {
    const filter = { name: [{ prefix: 'img-' }] };
    expect(matches(filter, { name: 'img-001' })).toBe(true);
    expect(matches(filter, { name: 'doc-001' })).toBe(false);
    expect(matches(filter, { name: 7 })).toBe(false);
  });

  it('numeric ranges and comparisons match numbers only', () => {
    const filter = { size: [{ numeric: ['>=', 10, '<', 20] }] } satisfies SubscriptionFilter;
    expect(matches(filter, { size: 10 })).toBe(true);
    expect(matches(filter, { size: 19.5 })).toBe(true);
    expect(matches(filter, { size: 20 })).toBe(false);
    expect(matches(filter, { size: 9 })).toBe(false);
    expect(matches(filter, { size: '15' })).toBe(false);
    expect(matches({ size: [{ numeric: ['=', 3] }] }, { size: 3 })).toBe(true);
  });

  it('exists: true wants the field, whatever it holds; false wants it absent', () => {
    expect(matches({ draft: [{ exists: true }] }, { draft: null })).toBe(true);
    expect(matches({ draft: [{ exists: true }] }, {})).toBe(false);
    expect(matches({ draft: [{ exists: false }] }, {})).toBe(true);
    expect(matches({ draft: [{ exists: false }] }, { draft: false })).toBe(false);
  });

  it('nested filters look inside nested objects', () => {
    const filter = { a: { b: ['x'] } };
    expect(matches(filter, { a: { b: 'x' } })).toBe(true);
    expect(matches(filter, { a: { b: 'y' } })).toBe(false);
    expect(matches(filter, { a: 'x' })).toBe(false);
    expect(matches({ a: { b: [{ exists: false }] } }, { a: 'x' })).toBe(true);
  });

  it('every key must match; a field holding a list matches when any item does', () => {
    const filter = { kind: ['image'], tags: ['red', { prefix: 'sale-' }] };
    expect(matches(filter, { kind: 'image', tags: ['blue', 'sale-50'] })).toBe(true);
    expect(matches(filter, { kind: 'image', tags: ['blue'] })).toBe(false);
    expect(matches(filter, { kind: 'video', tags: ['red'] })).toBe(false);
  });

  it('a body that is not an object has no fields', () => {
    expect(matches({ kind: ['image'] }, 'image')).toBe(false);
    expect(matches({ kind: ['image'] }, ['image'])).toBe(false);
    expect(matches({ kind: [{ exists: false }] }, 'image')).toBe(true);
  });

  it('reads own fields only', () => {
    expect(matches({ constructor: [{ exists: true }] }, {})).toBe(false);
    expect(matches(JSON.parse('{"__proto__": ["x"]}'), JSON.parse('{"__proto__": "x"}'))).toBe(true);
  });
});
