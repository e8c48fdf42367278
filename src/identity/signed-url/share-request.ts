import { InvalidApiRequest } from '../../common/errors';
import { requireObject } from '../../common/request-body';
import { pythonSetRepr } from './python-repr';
import { SignOptions } from './signed-url';

/** The resources of a queue a signed URL may reach (Zaqar's _VALID_PATHS). */
export const SHAREABLE_PATHS: readonly string[] = ['messages', 'subscriptions', 'claims'];

/**
 * The methods python-zaqarclient's CLI offers for `queue signed url`. Zaqar itself signs any list
 * of method names (PATCH, needed to renew a claim, included), so this is only an opt-in limit.
 */
export const CLIENT_OFFERED_METHODS: readonly string[] = ['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'DELETE'];

const KNOWN_KEYS = new Set(['methods', 'expires', 'paths']);

/** What to sign for a share request: full paths, and methods/expires as given (defaults apply when signing). */
export interface ShareRequest {
  readonly paths: string[];
  readonly methods?: string[];
  readonly expires?: SignOptions['expires'];
}

export interface ShareRequestOptions {
  /** Refuse methods outside this list ("Invalid methods: {...}"). Default: any, as Zaqar. */
  readonly allowedMethods?: readonly string[];
}

/**
 * Reads the body of `POST /v2/queues/{name}/share` as Zaqar's handler does, with its error texts
 * (400 "Invalid API request"). `queuePath` is the queue's own path, e.g. `/v2/queues/fizbit`:
 * Zaqar signs full paths below it, `messages` when the body names none. Pass the result to
 * createSignature with the caller's project and the configured secret key.
 */
export function parseShareRequest(body: unknown, queuePath: string, options: ShareRequestOptions = {}): ShareRequest {
  // a missing or malformed body was refused by the caller, which knows the request's length
  const document = requireObject(body, undefined);
  const unknown = Object.keys(document).filter((key) => !KNOWN_KEYS.has(key));
  if (unknown.length) throw new InvalidApiRequest(`Unknown keys: ${pythonSetRepr(unknown)}`);

  return {
    paths: sharedPaths(document.paths).map((path) => joinPath(queuePath, path)),
    methods: sharedMethods(document.methods, options.allowedMethods),
    expires: document.expires,
  };
}

function sharedPaths(paths: unknown): string[] {
  if (!pythonTruthy(paths)) return ['messages'];
  // Zaqar runs set() over the value: a string gives its characters, an object its keys. (A number
  // or true makes set() raise TypeError, a 500 in Zaqar; we name the value instead.)
  if (typeof paths !== 'string' && typeof paths !== 'object') {
    throw new InvalidApiRequest(`Invalid paths: ${pythonSetRepr([paths])}`);
  }
  const items: unknown[] = typeof paths === 'string' ? [...paths] : Array.isArray(paths) ? paths : Object.keys(paths!);
  const invalid = items.filter((item) => typeof item !== 'string' || !SHAREABLE_PATHS.includes(item));
  if (invalid.length) throw new InvalidApiRequest(`Invalid paths: ${pythonSetRepr(invalid)}`);
  return items as string[];
}

function sharedMethods(methods: unknown, allowed: readonly string[] | undefined): string[] | undefined {
  if (!pythonTruthy(methods)) return undefined;
  if (!Array.isArray(methods)) throw new InvalidApiRequest('`methods` should be a list');
  // Zaqar fails with a 500 on a list that holds anything but strings; we answer 400.
  if (!methods.every((m) => typeof m === 'string'))
    throw new InvalidApiRequest('`methods` should be a list of strings');
  if (allowed) {
    const invalid = methods.filter((m) => !allowed.includes(m));
    if (invalid.length) throw new InvalidApiRequest(`Invalid methods: ${pythonSetRepr(invalid)}`);
  }
  return methods;
}

/** Python's truth value of a JSON value: null, false, 0, "", [] and {} are false. */
function pythonTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object' && value !== null) return Object.keys(value).length > 0;
  return Boolean(value);
}

/** os.path.join(queuePath, path) for the relative names above. */
function joinPath(base: string, path: string): string {
  return base.endsWith('/') ? base + path : `${base}/${path}`;
}
