/**
 * PostgreSQL text cannot hold U+0000, so no stored name contains one: a name holding one is not
 * there, and as the names after `x\0…` are exactly the names after `x`, a marker is cut at its first NUL.
 */
export function holdsNul(text: string | null | undefined): boolean {
  return typeof text === 'string' && text.includes('\0');
}

export function beforeNul(marker: string): string {
  const nul = marker.indexOf('\0');
  return nul < 0 ? marker : marker.slice(0, nul);
}
