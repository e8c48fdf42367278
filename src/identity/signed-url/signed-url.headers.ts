import type { Identity } from '../identity';
import { SignedUrlClaim } from './signed-url';

type Headers = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * The signed fields of a request, as python-zaqarclient's SignedURLAuth sends them: URL-Signature,
 * URL-Expires, comma-joined URL-Methods and URL-Paths, and the project in X-Project-ID. Undefined
 * when there is no URL-Signature: the request is not using a signed URL at all. Header names
 * match case-insensitively; a list value (WebSocket frames carry JSON headers) is taken as is.
 */
export function readSignedUrlHeaders(headers: Headers): SignedUrlClaim | undefined {
  const lookup = new Map(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  const single = (name: string) => {
    const value = lookup.get(name);
    return Array.isArray(value) ? value.join(',') : (value as string | undefined);
  };
  const list = (name: string) => {
    const value = lookup.get(name);
    return Array.isArray(value) ? [...value] : ((value as string | undefined) ?? '').split(',');
  };
  const signature = single('url-signature');
  if (!signature) return undefined;
  return {
    signature,
    expires: single('url-expires'),
    methods: list('url-methods'),
    paths: list('url-paths'),
    project: single('x-project-id'),
  };
}

/**
 * Whether a signed URL covers this request, before its signature is checked (Zaqar answers 404
 * either way): the method must be one of the signed methods, and some signed path must be found
 * in the request path. Zaqar treats each path as a regular expression searched anywhere in the
 * request path (re.search), which is what lets a URL signed for `.../messages` reach
 * `.../messages/{id}`; we keep that.
 */
export function signedUrlCovers(claim: SignedUrlClaim, method: string, path: string): boolean {
  if (!claim.methods.includes(method)) return false;
  return claim.paths.some((signed) => signed !== '' && searches(signed, path));
}

/**
 * The path of a request target as the router reads it: up to the first `?` or `#` (find-my-way
 * ends the path at either), so a signed path written after a `#` covers nothing.
 */
export function routedPath(target: string): string {
  return target.split(/[?#]/, 1)[0];
}

function searches(pattern: string, path: string): boolean {
  try {
    return new RegExp(pattern).test(path);
  } catch {
    return false; // Python's re.error would be a 500; a path that is not a pattern covers nothing
  }
}

/** Who a verified signed URL speaks for: its project, with no roles. */
export function signedUrlIdentity(claim: SignedUrlClaim): Identity {
  return { project: claim.project ?? undefined, roles: [], isAdmin: false };
}
