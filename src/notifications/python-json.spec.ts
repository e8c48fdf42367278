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
});
