import fc from 'fast-check';
import { type FuzzJson, nestedText, objectOf, RawJson } from './json-text';

/**
 * Values no well-behaved client sends. None of them is a URL with a host in it: a generated
 * subscriber or pool URI must never make the server dial anything beyond this machine.
 */
export const HOSTILE_TEXT: readonly string[] = [
  '',
  ' ',
  '\u0000',
  '\t\n',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-1',
  '0',
  '1.5',
  '1e309',
  'true',
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  "' OR '1'='1",
  '"; DROP TABLE messages; --',
  '$where',
  '{"$gt": ""}',
  '../../../../etc/passwd',
  '..',
  '.',
  '/',
  '//',
  '\\',
  '*',
  '?',
  '#',
  ',',
  ',,,',
  'a,b',
  '%',
  '%00',
  '%zz',
  '%E0%A4',
  '%C0%AF',
  '\r\nX-Injected: 1',
  '\ud800',
  '\udfff',
  '\ufeff',
  '\u202e',
  '\u00ff\u00fe',
  'Ａｂｃ',
  'İı',
  '😀',
  '𝕏'.repeat(40),
  '<script>alert(1)</script>',
  '{{7*7}}',
  'sqlite:',
  'postgres:',
  'http:',
  'mailto:',
  'a'.repeat(37),
  'a'.repeat(65),
  'a'.repeat(257),
  'x'.repeat(4097),
];

/** Numbers around every limit Zaqar has, and far beyond them. */
export const HOSTILE_NUMBERS: readonly number[] = [
  -1,
  0,
  -0,
  0.5,
  1.5,
  59,
  60,
  61,
  899,
  901,
  20,
  21,
  43_200,
  43_201,
  1_209_600,
  1_209_601,
  65_536,
  262_145,
  2 ** 31 - 1,
  2 ** 31,
  2 ** 32,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 53),
  1e20,
  1e308,
  -1e308,
  Number.MIN_VALUE,
];

/** Number literals JSON.stringify cannot write: past 64 bits, past a double, or ints written as floats. */
export const HOSTILE_LITERALS: readonly string[] = [
  '9223372036854775807',
  '9223372036854775808',
  '-9223372036854775809',
  '123456789012345678901234567890',
  '1e999',
  '-1e999',
  '1E400',
  '-0',
  '1.0',
  '60.0',
  '1e2',
  '0.0000000000000000000000000001',
];

export const hostileText: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...HOSTILE_TEXT), weight: 4 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 40 }), weight: 2 },
  // lone surrogates and every other UTF-16 unit
  {
    arbitrary: fc.string({
      unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
      maxLength: 12,
    }),
    weight: 1,
  },
  { arbitrary: fc.integer({ min: 0, max: 70_000 }).map((n) => 'y'.repeat(n)), weight: 1 },
);

export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  { arbitrary: fc.constantFrom(...HOSTILE_NUMBERS), weight: 4 },
  { arbitrary: fc.integer(), weight: 1 },
  { arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }), weight: 1 },
);

export const hostileLiteral: fc.Arbitrary<RawJson> = fc
  .constantFrom(...HOSTILE_LITERALS)
  .map((text) => new RawJson(text));

/** Deep nesting, within and far over what any recursion of the server could walk. */
export const deepJson: fc.Arbitrary<RawJson> = fc
  .tuple(
    fc.constantFrom(50, 500, 1_000, 5_000, 20_000, 100_000, 400_000),
    fc.constantFrom<'array' | 'object'>('array', 'object'),
  )
  .map(([depth, shape]) => nestedText(depth, shape));

/** Large values around the post (256 KiB), metadata (64 KiB) and body (1 MiB) limits. */
export const hugeJson: fc.Arbitrary<RawJson> = fc
  .tuple(
    fc.constantFrom(65_000, 65_536, 70_000, 262_000, 262_144, 300_000, 1_048_000, 1_048_577),
    fc.constantFrom('string', 'array', 'object'),
  )
  .map(([bytes, shape]) => {
    if (shape === 'string') return new RawJson(JSON.stringify('z'.repeat(bytes)));
    if (shape === 'array') return new RawJson(`[${'1,'.repeat(bytes / 2)}1]`);
    return new RawJson(`{${Array.from({ length: bytes / 12 }, (_, i) => `"k${i}":1`).join(',')}}`);
  });

/** Any JSON value a hostile client may put where a field is expected. */
export const hostileJson: fc.Arbitrary<FuzzJson> = fc.oneof(
  { arbitrary: fc.constantFrom<FuzzJson>(null, true, false, [], {}, [null], [[]], ['']), weight: 3 },
  { arbitrary: hostileNumber, weight: 3 },
  { arbitrary: hostileLiteral, weight: 2 },
  { arbitrary: hostileText, weight: 3 },
  {
    arbitrary: fc
      .constantFrom('__proto__', 'constructor')
      .map((key) => objectOf([[key, objectOf([['polluted', true]])]])),
    weight: 1,
  },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<FuzzJson>, weight: 2 },
  { arbitrary: deepJson, weight: 1 },
);
