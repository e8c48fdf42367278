/**
 * A JSON value as Python's json.dumps writes it with its defaults (", " and ": " separators,
 * ensure_ascii, keys in order): what Zaqar's notifier sends and what its checksums hash. A number
 * is an integer when this server's JSON text of it is one (a Python client parses it so), else
 * Python's float repr.
 */
export function pythonJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return pythonNumber(value);
  if (typeof value === 'string') return pythonString(value);
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>);
  return `{${entries.map(([key, item]) => `${pythonString(key)}: ${pythonJson(item)}`).join(', ')}}`;
}

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

/** Everything outside printable ASCII as \uXXXX of its UTF-16 code units, lower-case hex. */
function pythonString(text: string): string {
  const escaped = text.replace(
    /["\\\u0000-\u001f\u007f-\uffff]/g,
    (char) => SHORT_ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `"${escaped}"`;
}

/** repr(float): fixed notation for exponents -4..15, else d.ddde±XX; integers as they are sent. */
function pythonNumber(value: number): string {
  const sent = JSON.stringify(value);
  if (!/[.e]/.test(sent)) return sent;
  const [digits, exponentText] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    return `${digits}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  const fixed = String(value);
  return fixed.includes('.') ? fixed : `${fixed}.0`;
}
