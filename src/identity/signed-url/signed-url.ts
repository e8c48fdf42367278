import { createHmac, timingSafeEqual } from 'node:crypto';
import { SignedUrlError } from './signed-url.error';
import { resolveExpiry } from './signed-url.expiry';

/** What Zaqar's create_signed_url returns, and `POST /v2/queues/{name}/share` answers with. */
export interface SignedUrl {
  /** Sorted, as signed. */
  readonly paths: string[];
  /** Sorted, as signed. */
  readonly methods: string[];
  readonly project: string | null;
  /** UTC, `2016-01-01T00:00:00`: the form the signature covers and clients send back as URL-Expires. */
  readonly expires: string;
  /** Lower-case hex HMAC-SHA256. */
  readonly signature: string;
}

export interface SignOptions {
  /** The project the URL acts for; Zaqar signs a missing one as the text "None". */
  readonly project?: string | null;
  /** Default ["GET"]; an empty list also means ["GET"], as Python's `methods or ['GET']` does. */
  readonly methods?: readonly string[] | null;
  /**
   * ISO 8601 (a zone is honoured, none means UTC); default one day after `now`. Any JSON value
   * from a request body is accepted here and judged as Zaqar judges it (integers are refused).
   */
  readonly expires?: unknown;
}

/** The signed fields as a signed request carries them (URL-Paths, URL-Methods, URL-Expires, ...). */
export interface SignedUrlClaim {
  readonly paths: readonly string[];
  readonly methods: readonly string[];
  readonly project: string | null | undefined;
  readonly expires: string | null | undefined;
  readonly signature: string | null | undefined;
}

/**
 * Signs like zaqar.common.urls.create_signed_url, byte for byte: HMAC-SHA256, keyed with the
 * UTF-8 secret, over `paths\nmethods\nproject\nexpires` where `\n` is a literal backslash and "n"
 * (Zaqar builds the text from a raw string), paths and methods sorted and comma-joined, and
 * `expires` in the zone-less UTC form it returns. Throws SignedUrlError with Zaqar's texts.
 */
export function createSignature(
  key: string | Buffer | null | undefined,
  paths: readonly string[],
  options: SignOptions = {},
  now: Date = new Date(),
): SignedUrl {
  const requestedMethods = options.methods?.length ? options.methods : ['GET'];
  if (key === null || key === undefined) throw new SignedUrlError("The `key` can't be None");
  if (!Array.isArray(paths) || paths.length === 0 || !paths.every((p) => typeof p === 'string')) {
    throw new SignedUrlError('`paths` must be a non-empty list');
  }
  if (!Array.isArray(requestedMethods) || !requestedMethods.every((m) => typeof m === 'string')) {
    throw new SignedUrlError('`methods` should be a list');
  }
  const expiry = resolveExpiry(options.expires, now);

  const sortedMethods = [...requestedMethods].sort(byCodePoint);
  const sortedPaths = [...paths].sort(byCodePoint);
  const project = options.project ?? null;
  const body = [sortedPaths.join(','), sortedMethods.join(','), project ?? 'None', expiry.text].join('\\n');
  return {
    paths: sortedPaths,
    methods: sortedMethods,
    project,
    expires: expiry.text,
    signature: createHmac('sha256', key).update(body, 'utf8').digest('hex'),
  };
}

/**
 * Zaqar's verify_signed_headers_data: re-signs the claimed fields and compares. Anything Zaqar
 * would refuse while re-signing (an expired or unreadable date, no paths) is simply "not valid",
 * as Zaqar answers 404 for all of them.
 */
export function verifySignature(
  key: string | Buffer | null | undefined,
  claim: SignedUrlClaim,
  now: Date = new Date(),
): boolean {
  // Zaqar would re-sign a missing date as "now + 1 day", which no signature can match.
  if (claim.expires === null || claim.expires === undefined || typeof claim.signature !== 'string') return false;
  let expected: SignedUrl;
  try {
    expected = createSignature(key, claim.paths, claim, now);
  } catch (err) {
    if (err instanceof SignedUrlError) return false;
    throw err;
  }
  const given = Buffer.from(claim.signature, 'utf8');
  const wanted = Buffer.from(expected.signature, 'utf8');
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/** Python sorts strings by code point; JavaScript's default sort compares UTF-16 units. */
function byCodePoint(a: string, b: string): number {
  const left = [...a];
  const right = [...b];
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const diff = left[i].codePointAt(0)! - right[i].codePointAt(0)!;
    if (diff !== 0) return diff;
  }
  return left.length - right.length;
}
