/** A setting that cannot be used: the server refuses to start, naming it. */
export class SettingsError extends Error {}

export function toInt(where: string, raw: string): number {
  if (!/^-?\d+$/.test(raw.trim())) throw new SettingsError(`${where} must be an integer, not "${raw}"`);
  return Number(raw);
}

export function toBool(where: string, raw: string): boolean {
  const value = raw.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(value)) return true;
  if (['false', '0', 'no', 'off'].includes(value)) return false;
  throw new SettingsError(`${where} must be a boolean, not "${raw}"`);
}
