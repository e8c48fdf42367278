/**
 * oslo.policy compares everything as Python strings: `str(creds[kind]) == match % target`. These
 * helpers give a JSON value the text Python would give it, so `is_admin:True` matches a boolean
 * `true` and `domain_id:20` matches the number 20.
 */

/** Python's `str()` of a JSON value. Containers have no meaningful match; they get their JSON. */
export function pythonStr(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value === null) return 'None';
  if (typeof value === 'bigint') return value.toString();
  // JSON cannot tell 1 from 1.0; an integral number is taken as the int Python's json would make.
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value).toString() : pythonFloatStr(value);
  return JSON.stringify(value) ?? String(value);
}

/** Python's `repr()` of a float: shortest round-trip digits, `.0` on integral values, `1e-05` style exponents. */
export function pythonFloatStr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  const [mantissa, exponentText] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent >= -4 && exponent < 16) {
    return Number.isInteger(value) ? `${BigInt(value)}.0` : String(value);
  }
  const sign = exponent < 0 ? '-' : '+';
  return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

const INT = /^([+-]?)(0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|0(?:_?0)*|[1-9](?:_?[0-9])*)$/;
const DIGITS = String.raw`[0-9](?:_?[0-9])*`;
const EXPONENT = String.raw`[eE][+-]?${DIGITS}`;
const FLOAT = new RegExp(
  String.raw`^[+-]?(?:(?:${DIGITS})?\.${DIGITS}(?:${EXPONENT})?|${DIGITS}\.(?:${EXPONENT})?|${DIGITS}${EXPONENT})$`,
);
const QUOTED = /^[uU]?(?:'([^'\\]*)'|"([^"\\]*)")$/;

/**
 * `str(ast.literal_eval(text))` for the literals a policy kind can hold (booleans, None, numbers,
 * quoted strings), or undefined when the text is not one, in which case oslo reads it as a
 * credential path. Escapes inside quotes are not decoded: we report such a kind instead of
 * guessing (see the parser).
 */
export function pythonLiteralStr(text: string): string | undefined {
  if (text === 'True' || text === 'False' || text === 'None') return text;
  const int = INT.exec(text);
  if (int) {
    const magnitude = BigInt(int[2].replace(/_/g, ''));
    return (int[1] === '-' ? -magnitude : magnitude).toString();
  }
  if (FLOAT.test(text)) return pythonFloatStr(Number(text.replace(/_/g, '')));
  const quoted = QUOTED.exec(text);
  if (quoted) return quoted[1] ?? quoted[2];
  return undefined;
}
