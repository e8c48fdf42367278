import { pythonJson } from './python-json';

describe('pythonJson', () => {
  // expected strings printed by Python 3.11's json.dumps
  it('writes objects, arrays and literals with Python separators, in the order given', () => {
    expect(pythonJson({ b: 1, a: [1, 2.5, null, true, false] })).toBe('{"b": 1, "a": [1, 2.5, null, true, false]}');
    expect(pythonJson([1, { x: {} }])).toBe('[1, {"x": {}}]');
    expect(pythonJson([])).toBe('[]');
    expect(pythonJson({})).toBe('{}');
    expect(pythonJson('plain')).toBe('"plain"');
    // python3 -c 'import json; print(json.dumps({"ttl": 300, "body": {"event": "é", "n": [1, 2.5, None, True]}}))'
    expect(pythonJson({ ttl: 300, body: { event: 'é', n: [1, 2.5, null, true] } })).toBe(
      '{"ttl": 300, "body": {"event": "\\u00e9", "n": [1, 2.5, null, true]}}',
    );
  });

  it('escapes as ensure_ascii does: quotes, controls, DEL and every non-ASCII code unit', () => {
    expect(pythonJson('h\u00e9llo "q" \\ \n\t\u0001\u007f \u{1F600} /')).toBe(
      '"h\\u00e9llo \\"q\\" \\\\ \\n\\t\\u0001\\u007f \\ud83d\\ude00 /"',
    );
    // python3 -c 'import json; print(json.dumps({"ключ": "😀"})); print(json.dumps("\x7f\x00\x1f\t\r\b\f"))'
    expect(pythonJson({ ключ: '😀' })).toBe('{"\\u043a\\u043b\\u044e\\u0447": "\\ud83d\\ude00"}');
    expect(pythonJson('\x7f\x00\x1f\t\r\b\f')).toBe('"\\u007f\\u0000\\u001f\\t\\r\\b\\f"');
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
    for (const [value, python] of cases) expect(pythonJson(value)).toBe(python);
  });
});
