import { MatchTemplate } from './policy-rule';
import { pythonStr } from './python-values';

/**
 * Reads the right side of a check the way Python's `%` operator reads it against a dict. Only
 * `%(key)s` and `%%` are accepted: other conversions (`%(n)d`, a bare `%s`, which would print the
 * whole target) never appear in real policies and Python would fail or surprise at request time,
 * so we report them when the file is loaded.
 */
export function parseMatchTemplate(text: string): MatchTemplate {
  const parts: (string | { key: string })[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch !== '%') {
      literal += ch;
      i++;
      continue;
    }
    if (text[i + 1] === '%') {
      literal += '%';
      i += 2;
      continue;
    }
    if (text[i + 1] !== '(') throw new Error(`unsupported format "${text.slice(i, i + 2)}" in "${text}"`);
    const close = closingParen(text, i + 1);
    if (close < 0) throw new Error(`unclosed "%(" in "${text}"`);
    if (text[close + 1] !== 's') {
      throw new Error(`unsupported format "${text.slice(i, close + 2)}" in "${text}" (only %(name)s is understood)`);
    }
    if (literal) parts.push(literal);
    literal = '';
    parts.push({ key: text.slice(i + 2, close) });
    i = close + 2;
  }
  if (literal || parts.length === 0) parts.push(literal);
  return parts;
}

/** Python matches parentheses in a mapping key, so `%(a(b))s` names the key `a(b)`. */
function closingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i;
  }
  return -1;
}

/**
 * The template filled from the target, or undefined when a key is missing: oslo catches that
 * KeyError and the check denies.
 */
export function fillMatchTemplate(
  template: MatchTemplate,
  target: Readonly<Record<string, unknown>>,
): string | undefined {
  let out = '';
  for (const part of template) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    const value = targetValue(target, part.key);
    if (value === undefined) return undefined;
    out += pythonStr(value);
  }
  return out;
}

/**
 * oslo looks `target["a.b"]` up as one key (services flatten nested targets themselves); we also
 * follow the dots into nested objects when no such flat key exists, so callers may pass either shape.
 */
function targetValue(target: Readonly<Record<string, unknown>>, key: string): unknown {
  if (Object.prototype.hasOwnProperty.call(target, key)) return target[key];
  if (!key.includes('.')) return undefined;
  let value: unknown = target;
  for (const segment of key.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.prototype.hasOwnProperty.call(value, segment)) {
      return undefined;
    }
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}
