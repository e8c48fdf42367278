/**
 * JSON as Python's json.dumps writes it with its defaults, which is what Zaqar's notifier sends:
 * `", "` and `": "` between items, every non-ASCII character escaped as \uXXXX, keys in order.
 */
export function pythonJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return asciiOnly(JSON.stringify(value));
  if (typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  const items = Object.entries(value).map(([key, item]) => `${asciiOnly(JSON.stringify(key))}: ${pythonJson(item)}`);
  return `{${items.join(', ')}}`;
}

/** ensure_ascii escapes everything outside space to tilde; JSON.stringify has already done the controls but DEL. */
function asciiOnly(json: string): string {
  return json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
