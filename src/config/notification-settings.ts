import { SettingsError, toBool, toInt } from './config-values';
import type { AuthStrategy } from './settings';
import type { ZaqarConf } from './zaqar-conf';

/** How subscribers are told of new messages (zaqar.conf `[notification]`, plus what Zaqar lacks). */
export interface NotificationSettings {
  /** Subscribers get nothing until they confirm (Zaqar's require_confirmation). */
  requireConfirmation: boolean;
  /**
   * Where subscribers reach this server: the base of the confirm links (Zaqar takes its public
   * endpoint from the Keystone catalog). PUBLIC_URL, else the server's own http://host:port.
   */
  publicUrl: string;
  /** Base of the WebSocket confirm link (WebSocketSubscribeURL); none when unset, as in Zaqar. */
  publicWebsocketUrl?: string;
  /** The page a confirmation email links to, with the signed fields in its query (Zaqar's option). */
  externalConfirmationUrl?: string;
  /** Refuse webhook targets on private, loopback and link-local addresses (SSRF guard). */
  guardWebhookTargets: boolean;
  connectTimeoutMs: number;
  responseTimeoutMs: number;
  smtp: { host: string; port: number; secure: boolean; user?: string; password?: string };
}

type Env = Record<string, string | undefined>;

/**
 * The guard is on by default with Keystone, where tenants are strangers to the operator, and off
 * in noauth development, where webhooks usually live on this machine.
 */
export function readNotificationSettings(
  env: Env,
  conf: ZaqarConf,
  auth: AuthStrategy,
  serverUrl: string,
): NotificationSettings {
  const section = conf.notification ?? {};
  const smtpPort = env.SMTP_PORT ?? section.smtp_port ?? '25';
  return {
    requireConfirmation: bool(
      '[notification] require_confirmation',
      env.REQUIRE_CONFIRMATION ?? section.require_confirmation,
      false,
    ),
    publicUrl: httpUrl('PUBLIC_URL', env.PUBLIC_URL ?? section.public_url) ?? serverUrl,
    publicWebsocketUrl: httpUrl('PUBLIC_WEBSOCKET_URL', env.PUBLIC_WEBSOCKET_URL ?? section.public_websocket_url, 'ws'),
    externalConfirmationUrl: blankless(env.EXTERNAL_CONFIRMATION_URL ?? section.external_confirmation_url),
    guardWebhookTargets: bool('WEBHOOK_TARGET_GUARD', env.WEBHOOK_TARGET_GUARD, auth === 'keystone'),
    connectTimeoutMs: toInt('WEBHOOK_CONNECT_TIMEOUT_MS', env.WEBHOOK_CONNECT_TIMEOUT_MS ?? '5000'),
    responseTimeoutMs: toInt('WEBHOOK_RESPONSE_TIMEOUT_MS', env.WEBHOOK_RESPONSE_TIMEOUT_MS ?? '10000'),
    smtp: {
      host: env.SMTP_HOST ?? section.smtp_host ?? '127.0.0.1',
      port: toInt('SMTP_PORT', smtpPort),
      secure: bool('SMTP_SECURE', env.SMTP_SECURE, false),
      user: env.SMTP_USER ?? section.smtp_user_name,
      password: env.SMTP_PASSWORD ?? section.smtp_user_password,
    },
  };
}

function blankless(raw: string | undefined): string | undefined {
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}

/** An absolute http(s) (or ws(s)) URL, checked at start: the confirm links are joined to it. */
function httpUrl(where: string, raw: string | undefined, scheme = 'http'): string | undefined {
  const value = blankless(raw);
  if (value === undefined) return undefined;
  const protocol = URL.canParse(value) ? new URL(value).protocol : '';
  if (protocol !== `${scheme}:` && protocol !== `${scheme}s:`) {
    throw new SettingsError(`${where} must be an absolute ${scheme} or ${scheme}s URL, not "${raw}"`);
  }
  return value;
}

function bool(where: string, raw: string | undefined, fallback: boolean): boolean {
  return raw === undefined || raw.trim() === '' ? fallback : toBool(where, raw);
}
