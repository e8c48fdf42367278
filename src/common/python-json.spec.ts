import { pythonJsonDumps } from './python-json';

describe('pythonJsonDumps', () => {
  // expected strings printed by Python 3.11's json.dumps
  it('writes objects, arrays and literals with Python separators, in the order given', () => {
    expect(pythonJsonDumps({ b: 1, a: [1, 2.5, null, true, false] })).toBe(
      '{"b": 1, "a": [1, 2.5, null, true, false]}',
    );
    expect(pythonJsonDumps([1, { x: {} }])).toBe('[1, {"x": {}}]');
    expect(pythonJsonDumps([])).toBe('[]');
    expect(pythonJsonDumps({})).toBe('{}');
    expect(pythonJsonDumps('plain')).toBe('"plain"');
  });

  it('escapes as ensure_ascii does: quotes, controls, DEL and every non-ASCII code unit', () => {
    expect(pythonJsonDumps('h\u00e9llo "q" \\ \n\t\u0001\u007f \u{1F600} /')).toBe(
      '"h\\u00e9llo \\"q\\" \\\\ \\n\\t\\u0001\\u007f \\ud83d\\ude00 /"',
    );
  });

  it("writes fractions as Python's float repr, and integers as the server sends them", () => {
    const cases: Array<[number, string]> = [
      [0.00001, '1e-05'],
      [1e-7, '1e-07'],
      [1.5e-7, '1.5e-07'],
      [0.0001, '0.0001'],
      [1e21, '1e+21'],
      [1.5e300, '1.5e+300'],
      [123.456, '123.456'],
      [-0.5, '-0.5'],
      [1e16, '10000000000000000'],
      [12345678901234567, '12345678901234568'],
    ];
    for (const [value, python] of cases) expect(pythonJsonDumps(value)).toBe(python);
  });
});
