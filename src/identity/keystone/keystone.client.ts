import { IdentityUnavailable } from './identity-unavailable';
import { KeystoneSettings } from './keystone.settings';
import { TokenCache } from './token-cache';

/** What Keystone vouches for about a user's token. */
export interface ValidatedToken {
  /** The project the token is scoped to; null for an unscoped or domain-scoped token. */
  projectId: string | null;
  userId: string;
  /** Role names, the implied ones included (a member token also carries reader). */
  roles: string[];
  expiresAt: Date;
  /** Present when Keystone has an admin project configured. */
  isAdminProject?: boolean;
}

export interface KeystoneClientOptions {
  /** Injectable for tests; global fetch by default. */
  fetch?: typeof fetch;
  /** Bound on every request to Keystone. */
  timeoutMs?: number;
  /** Defaults to a cache of settings.tokenCacheTime seconds. */
  cache?: TokenCache<ValidatedToken>;
  now?: () => number;
}

type ClientSettings = Pick<
  KeystoneSettings,
  'authUrl' | 'username' | 'password' | 'projectName' | 'userDomainName' | 'projectDomainName' | 'tokenCacheTime'
>;

interface ServiceToken {
  token: string;
  expiresAt: number;
  userId: string;
}

export interface NewTrust {
  trustorUserId: string;
  projectId: string;
  roles: string[];
  expiresAt: Date;
}

/** Keystone refused a trust or a trust-scoped token (unknown, expired or deleted trust, no rights). */
export class TrustRefused extends Error {
  constructor(
    readonly status: number,
    detail: string,
  ) {
    super(`Keystone answered ${status}: ${detail}`);
    this.name = 'TrustRefused';
  }
}

/** A service token this close to its expiry is renewed first, so it cannot expire in flight. */
const RENEW_BEFORE_MS = 60_000;
/** Fernet tokens are ~200 characters; anything far longer is not worth a round trip. */
const MAX_TOKEN_LENGTH = 8_192;
/** Printable ASCII only: anything else cannot be a Keystone token, nor travel in a header. */
const TOKEN_SHAPE = /^[\x21-\x7e]+$/;

/**
 * Validates users' tokens against Keystone v3 the way keystonemiddleware does: with a service token
 * of its own (password auth, project-scoped), GET /v3/auth/tokens with X-Auth-Token (ours) and
 * X-Subject-Token (theirs), answers cached per token.
 */
export class KeystoneClient {
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;
  private readonly cache: TokenCache<ValidatedToken>;
  private readonly now: () => number;
  private service?: Promise<ServiceToken>;
  private held?: ServiceToken;
  private readonly trustTokens = new Map<string, ServiceToken>();

  constructor(
    private readonly settings: ClientSettings,
    options: KeystoneClientOptions = {},
  ) {
    this.fetch = options.fetch ?? fetch;
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.cache = options.cache ?? new TokenCache({ ttlMs: settings.tokenCacheTime * 1000 });
    this.now = options.now ?? Date.now;
  }

  /**
   * The token's scope and roles, or null when Keystone says it is not valid (unknown, expired,
   * revoked). Throws IdentityUnavailable when Keystone cannot answer.
   */
  async validate(token: string): Promise<ValidatedToken | null> {
    if (token.length > MAX_TOKEN_LENGTH || !TOKEN_SHAPE.test(token)) return null;
    const cached = this.cache.get(token, this.now());
    if (cached) return cached.value;

    let serviceToken = await this.serviceToken();
    let res = await this.askKeystone(serviceToken, token);
    if (res.status === 401) {
      // Our service token was refused: expired or revoked since we got it. Renew it once, as
      // keystoneauth's session does; a second 401 means Keystone refuses the subject token, which
      // keystonemiddleware also reports as an invalid token.
      await res.body?.cancel();
      this.forgetServiceToken(serviceToken);
      serviceToken = await this.serviceToken();
      res = await this.askKeystone(serviceToken, token);
    }
    let result: ValidatedToken | null;
    if (res.status === 200) {
      result = parseToken(await readJson(res));
    } else if (res.status === 404 || res.status === 401) {
      await res.body?.cancel();
      result = null;
    } else {
      throw new IdentityUnavailable(`Keystone answered ${res.status} to token validation: ${await textOf(res)}`);
    }
    this.cache.set(token, result, this.now());
    return result;
  }

  private askKeystone(serviceToken: ServiceToken, token: string): Promise<Response> {
    return this.request(`${this.settings.authUrl}/auth/tokens?nocatalog`, {
      headers: { 'X-Auth-Token': serviceToken.token, 'X-Subject-Token': token },
    });
  }

  private async serviceToken(): Promise<ServiceToken> {
    const pending = this.service;
    if (pending) {
      const held = await pending;
      if (held.expiresAt - this.now() > RENEW_BEFORE_MS) return held;
      this.forgetServiceToken(held);
    }
    // one login at a time, shared by every request that needs it
    return (this.service ??= this.login());
  }

  private login(): Promise<ServiceToken> {
    const login = this.authenticate();
    login.then(
      (token) => {
        if (this.service === login) this.held = token;
      },
      () => {
        if (this.service === login) this.service = undefined; // the next request tries again
      },
    );
    return login;
  }

  /** Drops a refused or ageing service token, unless another request has renewed it meanwhile. */
  private forgetServiceToken(stale: ServiceToken): void {
    if (this.held !== stale) return;
    this.held = undefined;
    this.service = undefined;
  }

  private async authenticate(): Promise<ServiceToken> {
    const s = this.settings;
    const res = await this.passwordLogin({ project: { name: s.projectName, domain: { name: s.projectDomainName } } });
    if (res.status !== 201) {
      // Wrong service credentials are the operator's problem, not the client's: 503, not 401.
      throw new IdentityUnavailable(
        `Keystone answered ${res.status} to the service user "${s.username}" logging in: ${await textOf(res)}`,
      );
    }
    return issuedToken(res);
  }

  /** The service user's id: the trustee of the trusts `createTrust` makes. */
  async serviceUserId(): Promise<string> {
    return (await this.serviceToken()).userId;
  }

  /**
   * A trust from the caller (with the caller's own token) to the service user, as Zaqar makes one
   * for a trust+ subscriber: impersonating, on the caller's project and roles, until `expiresAt`.
   */
  async createTrust(userToken: string, trust: NewTrust): Promise<string> {
    const res = await this.request(`${this.settings.authUrl}/OS-TRUST/trusts`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Auth-Token': userToken },
      body: JSON.stringify({
        trust: {
          trustor_user_id: trust.trustorUserId,
          trustee_user_id: await this.serviceUserId(),
          project_id: trust.projectId,
          impersonation: true,
          roles: trust.roles.map((name) => ({ name })),
          expires_at: trust.expiresAt.toISOString(),
        },
      }),
    });
    if (res.status === 201) {
      const id = (await readJson(res))?.trust?.id;
      if (typeof id === 'string') return id;
      throw new IdentityUnavailable('Keystone created a trust but named no id');
    }
    if (res.status >= 400 && res.status < 500) throw new TrustRefused(res.status, await textOf(res));
    throw new IdentityUnavailable(`Keystone answered ${res.status} to creating a trust: ${await textOf(res)}`);
  }

  /** A token scoped to the trust, for the service user to act as its trustor; cached until near its end. */
  async trustToken(trustId: string): Promise<string> {
    const held = this.trustTokens.get(trustId);
    if (held && held.expiresAt - this.now() > RENEW_BEFORE_MS) return held.token;
    const res = await this.passwordLogin({ 'OS-TRUST:trust': { id: trustId } });
    if (res.status >= 400 && res.status < 500) throw new TrustRefused(res.status, await textOf(res));
    if (res.status !== 201) {
      throw new IdentityUnavailable(`Keystone answered ${res.status} to a trust-scoped login: ${await textOf(res)}`);
    }
    const issued = await issuedToken(res);
    this.trustTokens.set(trustId, issued);
    return issued.token;
  }

  /** The service user's password login with `scope`. */
  private passwordLogin(scope: object): Promise<Response> {
    const s = this.settings;
    return this.request(`${s.authUrl}/auth/tokens?nocatalog`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: s.username, domain: { name: s.userDomainName }, password: s.password } },
          },
          scope,
        },
      }),
    });
  }

  private async request(url: string, init: RequestInit): Promise<Response> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.fetch(url, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
      } catch (err) {
        const timedOut = (err as Error)?.name === 'TimeoutError';
        // A pooled keep-alive connection the server closed as we reused it fails at once; one more
        // try on a fresh connection, as Python's urllib3 (under keystoneauth) does. Both our requests
        // can be repeated safely; a timeout is not retried, or a hung Keystone would cost twice the wait.
        if (!timedOut && attempt === 1) continue;
        const why = timedOut ? `no answer within ${this.timeoutMs} ms` : describe(err);
        throw new IdentityUnavailable(`Keystone at ${this.settings.authUrl} is unreachable: ${why}`, err);
      }
    }
  }
}

async function issuedToken(res: Response): Promise<ServiceToken> {
  const token = res.headers.get('x-subject-token');
  const body = await readJson(res);
  const expiresAt = Date.parse(body?.token?.expires_at);
  const userId = body?.token?.user?.id;
  if (!token || Number.isNaN(expiresAt) || typeof userId !== 'string') {
    throw new IdentityUnavailable('Keystone issued a malformed token');
  }
  return { token, expiresAt, userId };
}

function parseToken(body: any): ValidatedToken {
  const token = body?.token;
  const expiresAt = new Date(token?.expires_at);
  if (typeof token?.user?.id !== 'string' || Number.isNaN(expiresAt.getTime())) {
    throw new IdentityUnavailable('Keystone validated a token but its body has no user or expiry');
  }
  const validated: ValidatedToken = {
    projectId: typeof token.project?.id === 'string' ? token.project.id : null,
    userId: token.user.id,
    roles: Array.isArray(token.roles) ? token.roles.map((role: { name: string }) => role.name) : [],
    expiresAt,
  };
  if (typeof token.is_admin_project === 'boolean') validated.isAdminProject = token.is_admin_project;
  return validated;
}

async function readJson(res: Response): Promise<any> {
  try {
    return await res.json();
  } catch (err) {
    throw new IdentityUnavailable(`Keystone answered ${res.status} with a body that is not JSON`, err);
  }
}

/** fetch's "fetch failed" says little; the socket error is in its cause. */
function describe(err: unknown): string {
  const cause = (err as { cause?: unknown })?.cause;
  return cause ? `${String(err)} (${String(cause)})` : String(err);
}

async function textOf(res: Response): Promise<string> {
  try {
    return (await res.text()).slice(0, 500);
  } catch {
    return '(no body)';
  }
}
