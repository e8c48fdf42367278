/**
 * The deepest nesting of arrays and objects a request may carry. Every walk of a document (JSON
 * text of an answer, a structured clone to the SQLite thread, Python's repr for size checks) recurses,
 * and one nested a hundred thousand levels overflows the stack. Zaqar's own json.loads stops near
 * the same depth (Python's recursion limit).
 */
export const MAX_JSON_DEPTH = 1000;

/** Whether `value` nests arrays and objects more than `max` levels deep; walked without recursion. */
export function nestedTooDeep(value: unknown, max = MAX_JSON_DEPTH): boolean {
  const pending: Array<[unknown, number]> = [[value, 1]];
  while (pending.length) {
    const [node, depth] = pending.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > max) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (typeof child === 'object' && child !== null) pending.push([child, depth + 1]);
    }
  }
  return false;
}

/**
 * Whether a document parsed from `textLength` characters nests too deep. Each level takes two
 * characters at least, so a short text needs no walk.
 */
export function parsedTooDeep(document: unknown, textLength: number): boolean {
  return textLength > 2 * MAX_JSON_DEPTH && nestedTooDeep(document);
}
