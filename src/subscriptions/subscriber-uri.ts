/**
 * The scheme of a subscriber URI as Python's urlsplit reads it (Zaqar checks it against
 * `subscriber_types`): letters, digits, `+`, `-` and `.` before the first colon, starting with a
 * letter, lower-cased; '' when there is none ('fake' has no scheme, 'email://x' has 'email').
 */
export function uriScheme(uri: string): string {
  const colon = uri.indexOf(':');
  if (colon <= 0) return '';
  const scheme = uri.slice(0, colon);
  return /^[A-Za-z][A-Za-z0-9+.-]*$/.test(scheme) ? scheme.toLowerCase() : '';
}
