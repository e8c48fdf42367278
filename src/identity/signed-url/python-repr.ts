import { pythonFloatStr } from '../../policy/python-values';

/**
 * Python's `repr()` for the JSON values Zaqar quotes in its share errors ("Unknown keys: {'x'}",
 * "Unable to parse date string 'x'"), so our descriptions read exactly like Zaqar's.
 */
export function pythonRepr(value: unknown): string {
  if (typeof value === 'string') return reprString(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value).toString() : pythonFloatStr(value);
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  if (typeof value === 'object') {
    const items = Object.entries(value).map(([k, v]) => `${reprString(k)}: ${pythonRepr(v)}`);
    return `{${items.join(', ')}}`;
  }
  return String(value);
}

/**
 * A Python set of the values, as `'%s' % set(...)` prints it. Python's order follows string
 * hashes, which are randomised per process; we sort, which is one of the orders Zaqar may print.
 */
export function pythonSetRepr(values: Iterable<unknown>): string {
  const reprs = [...new Set([...values].map(pythonRepr))].sort();
  return reprs.length ? `{${reprs.join(', ')}}` : 'set()';
}

const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

function reprString(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch !== ' ' && NOT_PRINTABLE.test(ch)) out += escapeCodePoint(ch.codePointAt(0)!);
    else out += ch;
  }
  return out + quote;
}

function escapeCodePoint(code: number): string {
  if (code < 0x100) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code < 0x10000) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\U${code.toString(16).padStart(8, '0')}`;
}
