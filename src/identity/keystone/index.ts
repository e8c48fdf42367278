export { IdentityUnavailable } from './identity-unavailable';
export { KeystoneClient, KeystoneClientOptions, NewTrust, TrustRefused, ValidatedToken } from './keystone.client';
export { DEFAULT_TOKEN_CACHE_TIME, KeystoneSettings, loadKeystoneSettings } from './keystone.settings';
export { TokenCache, TokenCacheOptions } from './token-cache';
