const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/**
 * Whether JSON text holds an integer literal outside the signed 64-bit range, which Zaqar refuses
 * ("JSON contains integer that is too large.") where JSON.parse would silently round it. Only
 * integer literals count: `1e30` and `1.5` are floats. Cheap for ordinary bodies: a full scan runs
 * only when some run of 19 digits exists at all.
 */
export function hasOverflowingInteger(text: string): boolean {
  if (!/\d{19}/.test(text)) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      i = endOfString(text, i);
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      const start = i;
      while (i + 1 < text.length && /[-+0-9.eE]/.test(text[i + 1])) i++;
      const literal = text.slice(start, i + 1);
      if (/^-?\d+$/.test(literal)) {
        const value = BigInt(literal);
        if (value > INT64_MAX || value < INT64_MIN) return true;
      }
    }
  }
  return false;
}

/** Index of the quote closing the string that opens at `start`. */
function endOfString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return text.length;
}
