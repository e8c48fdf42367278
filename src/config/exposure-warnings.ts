import { isIP } from 'node:net';
import type { Settings } from './settings';

/** Whether only this machine can reach an address the server listens on. */
function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/**
 * Settings that leave the service open to whoever can reach it, said once at start so that an
 * operator does not ship a development setup by accident (docs/security.md).
 */
export function exposureWarnings(settings: Settings): string[] {
  const warnings: string[] = [];
  const hosts = new Set([settings.host, settings.websocket?.host ?? settings.host]);
  const exposed = [...hosts].filter((host) => !isLoopback(host));
  if (settings.authStrategy === 'noauth' && exposed.length > 0) {
    warnings.push(
      `AUTH_STRATEGY=noauth on ${exposed.join(' and ')}: whoever reaches the server acts as any project ` +
        'it names in X-Project-ID, and as an admin with X-Roles: admin; use keystone or an authenticating proxy',
    );
  }
  if (settings.authStrategy === 'keystone' && !settings.notification.guardWebhookTargets) {
    warnings.push(
      'WEBHOOK_TARGET_GUARD=off with keystone: any project can make this server send requests to ' +
        'loopback and private addresses',
    );
  }
  return warnings;
}
