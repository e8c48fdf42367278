/** Data and matchers the end-to-end suites share. */

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ZaqarClient } from './client';

/** What GET on a queue shows for every reserved key the queue does not set. */
export const RESERVED_DEFAULTS = {
  _max_messages_post_size: 262144,
  _default_message_ttl: 3600,
  _default_message_delay: 0,
  _dead_letter_queue: null,
  _dead_letter_queue_messages_ttl: null,
  _max_claim_count: null,
  _enable_encrypt_messages: false,
};

/** Zaqar's error body. */
export function error(title: string, description?: string): Record<string, string> {
  return description === undefined ? { title } : { title, description };
}

/** `count` messages whose bodies are `{ n: 0 }`, `{ n: 1 }`, ... */
export function numbered(count: number, extra: Record<string, unknown> = {}): Array<Record<string, unknown>> {
  return Array.from({ length: count }, (_, i) => ({ body: { n: i }, ...extra }));
}

/** A well-formed UUID that names nothing: an unknown message or claim id. */
export function unknownId(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

/** Splits an href into its path and query parameters, so links compare without caring for parameter order. */
export function parseHref(href: string): { path: string; query: Record<string, string> } {
  const url = new URL(href, 'http://x');
  return { path: url.pathname, query: Object.fromEntries(url.searchParams) };
}

/** Matches a message or claim age: whole seconds, recent. */
export function anAge(max = 30) {
  return {
    $$typeof: Symbol.for('jest.asymmetricMatcher'),
    asymmetricMatch: (value: unknown) => Number.isInteger(value) && (value as number) >= 0 && (value as number) <= max,
    toString: () => 'anAge',
    toAsymmetricMatcher: () => `anAge(0..${max})`,
  };
}

/**
 * Stores for the pools a suite registers through the API: embedded files in one directory for the
 * enclosing describe block, removed after it. Each uri() is a new store.
 */
export function poolStores(): { uri(): string } {
  const dir = mkdtempSync(join(tmpdir(), 'zaqar-pools-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return { uri: () => `sqlite:${join(dir, `${randomUUID()}.db`)}` };
}

/** Zaqar's test_listing_error_with_invalid_limit: 0 and 21 are out of 1..20, `ten` is no integer. */
export async function expectListingLimitsRefused(api: ZaqarClient, collection: string): Promise<void> {
  for (const limit of [0, 21]) {
    const res = await api.get(`${collection}?limit=${limit}&detailed=True`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(error('Invalid API request', 'Limit must be at least 1 and no greater than 20.'));
  }
  const res = await api.get(`${collection}?limit=ten`);
  expect(res.status).toBe(400);
  expect(res.body).toEqual(
    error('Invalid parameter', 'The "limit" parameter is invalid. The value must be an integer.'),
  );
}
