import { createHash } from 'node:crypto';

export interface TokenCacheOptions {
  /** How long a valid token is trusted without asking Keystone (keystonemiddleware's token_cache_time). */
  ttlMs?: number;
  /** How long a refused token stays refused without asking Keystone: short, only to blunt floods. */
  negativeTtlMs?: number;
  /** Beyond this many entries the least recently used go first. */
  maxEntries?: number;
}

/** A cache hit: the validated token, or null for a token Keystone refused. */
export interface CachedValidation<T> {
  value: T | null;
}

interface Entry<T> {
  value: T | null;
  until: number;
}

/**
 * Validation results by token, as keystonemiddleware keeps them: a valid token is trusted until its
 * own expiry or `ttlMs`, whichever is first, so a token revoked after it was accepted keeps working
 * until its entry ends (Zaqar behaves the same way). Entries are keyed by a SHA-256 of the token so
 * the map holds no credential, and a Map's insertion order makes the eviction least-recently-used.
 */
export class TokenCache<T extends { expiresAt: Date }> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly ttlMs: number;
  private readonly negativeTtlMs: number;
  private readonly maxEntries: number;

  constructor(options: TokenCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? 300_000;
    // a cache that is off (ttl 0) keeps refusals no longer than it keeps anything else
    this.negativeTtlMs = Math.min(options.negativeTtlMs ?? 10_000, this.ttlMs);
    this.maxEntries = options.maxEntries ?? 10_000;
  }

  get size(): number {
    return this.entries.size;
  }

  get(token: string, now: number): CachedValidation<T> | undefined {
    const key = keyOf(token);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.until <= now) return undefined;
    this.entries.set(key, entry); // most recently used now
    return { value: entry.value };
  }

  /** Remembers Keystone's answer: the validated token, or null when Keystone refused it. */
  set(token: string, value: T | null, now: number): void {
    const until = value === null ? now + this.negativeTtlMs : Math.min(now + this.ttlMs, value.expiresAt.getTime());
    const key = keyOf(token);
    this.entries.delete(key);
    if (until <= now) return;
    this.entries.set(key, { value, until });
    while (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value!);
    }
  }

  delete(token: string): void {
    this.entries.delete(keyOf(token));
  }

  clear(): void {
    this.entries.clear();
  }
}

function keyOf(token: string): string {
  return createHash('sha256').update(token).digest('base64');
}
