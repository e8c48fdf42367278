import { SettingsError } from '../../config/settings';

/** How the server reaches Keystone to validate tokens, in keystonemiddleware's terms. */
export interface KeystoneSettings {
  /** The Identity v3 endpoint the validator calls, always ending in `/v3`. */
  authUrl: string;
  /** What a 401 sends clients to (`WWW-Authenticate: Keystone uri="…"`), as configured. */
  wwwAuthenticateUri: string;
  /** The service user that validates other users' tokens (needs the admin or service role). */
  username: string;
  password: string;
  projectName: string;
  userDomainName: string;
  projectDomainName: string;
  /** Seconds a validated token is trusted without asking Keystone again; 0 turns the cache off. */
  tokenCacheTime: number;
}

type Env = Record<string, string | undefined>;

/** keystonemiddleware's default token_cache_time. */
export const DEFAULT_TOKEN_CACHE_TIME = 300;

/**
 * KEYSTONE_* environment variables, each falling back to the option of zaqar.conf's
 * `[keystone_authtoken]` section that keystonemiddleware reads for the same thing.
 */
export function loadKeystoneSettings(env: Env, section: Record<string, string> = {}): KeystoneSettings {
  const pick = (envName: string, ...options: string[]): string | undefined => {
    const fromEnv = env[envName]?.trim();
    if (fromEnv) return fromEnv;
    for (const option of options) if (section[option]?.trim()) return section[option].trim();
    return undefined;
  };
  const required = (envName: string, option: string, ...fallbacks: string[]): string => {
    const value = pick(envName, option, ...fallbacks);
    if (value === undefined) {
      throw new SettingsError(`Keystone authentication needs ${envName} or [keystone_authtoken] ${option}`);
    }
    return value;
  };

  // auth_url is what keystonemiddleware's own password plugin uses; www_authenticate_uri (auth_uri before
  // Queens) is the public address shown to clients. A deployment setting only one means both.
  const authUrl = required('KEYSTONE_AUTH_URL', 'auth_url', 'www_authenticate_uri', 'auth_uri');
  const wwwAuthenticateUri = section.www_authenticate_uri?.trim() || section.auth_uri?.trim() || authUrl;
  return {
    authUrl: identityV3(authUrl),
    wwwAuthenticateUri,
    username: required('KEYSTONE_USERNAME', 'username'),
    password: required('KEYSTONE_PASSWORD', 'password'),
    projectName: required('KEYSTONE_PROJECT_NAME', 'project_name'),
    userDomainName: pick('KEYSTONE_USER_DOMAIN_NAME', 'user_domain_name') ?? 'Default',
    projectDomainName: pick('KEYSTONE_PROJECT_DOMAIN_NAME', 'project_domain_name') ?? 'Default',
    tokenCacheTime: cacheTime(pick('KEYSTONE_TOKEN_CACHE_TIME', 'token_cache_time')),
  };
}

/**
 * Deployments write auth_url with or without the version (`http://keystone:5000`,
 * `http://host/identity/v3/`); keystoneauth discovers v3 from either. We only speak v3.
 */
function identityV3(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SettingsError(`Keystone auth URL "${raw}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SettingsError(`Keystone auth URL "${raw}" must be http or https`);
  }
  const base = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  if (/\/v2(\.0)?$/.test(base)) throw new SettingsError(`Keystone auth URL "${raw}" is Identity v2; v3 is required`);
  return base.endsWith('/v3') ? base : `${base}/v3`;
}

function cacheTime(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_TOKEN_CACHE_TIME;
  if (!/^-?\d+$/.test(raw)) throw new SettingsError(`token_cache_time must be an integer, not "${raw}"`);
  const seconds = Number(raw);
  // keystonemiddleware: -1 disables the cache
  if (seconds === -1) return 0;
  if (seconds < 0) throw new SettingsError(`token_cache_time must be -1 or more, not ${seconds}`);
  return seconds;
}
