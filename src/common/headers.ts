import type { IncomingHttpHeaders } from 'node:http';

/** A header's single value (the first when repeated). */
export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** A comma-separated header as a list, e.g. X-Roles. */
export function headerList(headers: IncomingHttpHeaders, name: string): string[] {
  return (header(headers, name) ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}
