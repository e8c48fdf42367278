import { toBool, toInt } from './config-values';
import type { AuthStrategy } from './settings';
import type { ZaqarConf } from './zaqar-conf';

/** How subscribers are told of new messages (zaqar.conf `[notification]`, plus what Zaqar lacks). */
export interface NotificationSettings {
  /** Subscribers get nothing until they confirm (Zaqar's require_confirmation). */
  requireConfirmation: boolean;
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
export function readNotificationSettings(env: Env, conf: ZaqarConf, auth: AuthStrategy): NotificationSettings {
  const section = conf.notification ?? {};
  const smtpPort = env.SMTP_PORT ?? section.smtp_port ?? '25';
  return {
    requireConfirmation: bool(
      '[notification] require_confirmation',
      env.REQUIRE_CONFIRMATION ?? section.require_confirmation,
      false,
    ),
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

function bool(where: string, raw: string | undefined, fallback: boolean): boolean {
  return raw === undefined || raw.trim() === '' ? fallback : toBool(where, raw);
}
