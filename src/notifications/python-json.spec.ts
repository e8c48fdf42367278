import { pythonJson } from './python-json';

describe('pythonJson', () => {
  it("writes what Python's json.dumps writes", () => {
    // python3 -c 'import json; print(json.dumps({"ttl": 300, "body": {"event": "é", "n": [1, 2.5, None, True]}}))'
    expect(pythonJson({ ttl: 300, body: { event: 'é', n: [1, 2.5, null, true] } })).toBe(
      '{"ttl": 300, "body": {"event": "\\u00e9", "n": [1, 2.5, null, true]}}',
    );
  });

  it('escapes characters outside the BMP as their surrogate pairs, and keys too', () => {
    // python3 -c 'import json; print(json.dumps({"ключ": "😀"}))'
    expect(pythonJson({ ключ: '😀' })).toBe('{"\\u043a\\u043b\\u044e\\u0447": "\\ud83d\\ude00"}');
  });

  it('writes empty containers and quotes as Python does', () => {
    expect(pythonJson({ a: [], b: {}, c: 'say "hi"\n' })).toBe('{"a": [], "b": {}, "c": "say \\"hi\\"\\n"}');
  });

  it('escapes DEL and the other control characters as Python does', () => {
    // python3 -c 'import json; print(json.dumps("\x7f\x00\x1f\t"))'
    expect(pythonJson('\x7f\x00\x1f\t')).toBe('"\\u007f\\u0000\\u001f\\t"');
  });
});
