import type { IncomingHttpHeaders } from 'node:http';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { header } from '../common/headers';
import type { Settings } from '../config/settings';
import { SETTINGS } from '../config/settings.module';
import type { Identity } from '../identity/identity';
import { KeystoneClient } from '../identity/keystone';
import { verifySignature } from '../identity/signed-url/signed-url';
import { readSignedUrlHeaders, signedUrlCovers, signedUrlIdentity } from '../identity/signed-url/signed-url.headers';
import { QUEUES } from '../common/queue-space';
import type { Body } from './actions/action-spec';
import { trustedHeaders } from '../identity/strategies/noauth.strategy';
import type { SocketSession } from './socket-session';
import type { FrameHeaders, ZaqarRequest } from './zaqar-frame';

/**
 * The method a signed URL must allow for each action Zaqar lets one reach over a socket
 * (handler.py), and the REST path the action stands for, which one of its signed paths must cover.
 * Zaqar checks no path on sockets, so a URL signed for one queue would reach them all; not here.
 */
const SIGNED_ACTIONS: Record<string, [method: string, path: (body: Body) => string]> = {
  message_list: ['GET', (body) => messagesPath(body)],
  message_get: ['GET', (body) => `${messagesPath(body)}/${segment(body.message_id)}`],
  message_get_many: ['GET', (body) => messagesPath(body)],
  message_post: ['POST', (body) => messagesPath(body)],
  message_delete: ['DELETE', (body) => `${messagesPath(body)}/${segment(body.message_id)}`],
  message_delete_many: ['DELETE', (body) => messagesPath(body)],
};

const messagesPath = (body: Body) => `${QUEUES.base}/${segment(body.queue_name)}/messages`;
/** A field as one path segment, encoded as a REST target carries it: a `/` in it cannot spell a signed path. */
const segment = (value: unknown) => encodeURIComponent(String(value));

/**
 * Who a socket frame acts as, as Zaqar's WebSocket transport decides it: with noauth, the frame's
 * trusted headers; with Keystone, the token the connection authenticated with (not the frame's
 * X-Project-ID), or else a valid signed URL for a message action; nobody otherwise.
 */
@Injectable()
export class SocketAuthentication {
  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    @Optional() private readonly keystone?: KeystoneClient,
  ) {}

  /** `headers`: the frame's, as frameHeaders reads them. */
  identify(
    session: SocketSession,
    { action, headers: raw, body }: ZaqarRequest,
    headers: IncomingHttpHeaders,
  ): Identity | undefined {
    if (this.settings.authStrategy === 'noauth') return trustedHeaders(headers);
    if (session.identity) return session.identity;
    const claim = readSignedUrlHeaders(textHeaders(raw));
    const key = this.settings.signedUrlSecretKey;
    const signed = action !== null && Object.hasOwn(SIGNED_ACTIONS, action) ? SIGNED_ACTIONS[action] : undefined;
    // The signature first: until it is checked, the signed paths are the caller's text (signedUrlCovers).
    if (!claim || !key || !signed || !verifySignature(key, claim)) return undefined;
    const [method, path] = signed;
    return signedUrlCovers(claim, method, path(body)) ? signedUrlIdentity(claim) : undefined;
  }

  /**
   * The `authenticate` action: from now on the connection acts as the token's user, until the
   * token expires. False when Keystone refuses the token; with noauth there is nothing to check.
   */
  async authenticate(session: SocketSession, headers: IncomingHttpHeaders): Promise<boolean> {
    if (!this.keystone) return true;
    const token = header(headers, 'x-auth-token');
    const validated = token ? await this.keystone.validate(token) : null;
    if (!validated) return false;
    const { projectId, userId, roles, expiresAt } = validated;
    session.authenticate({ project: projectId ?? undefined, userId, roles, isAdmin: false, token }, expiresAt);
    return true;
  }
}

/** The headers whose values are text or lists of text: a signed URL's fields can be no other. */
function textHeaders(headers: FrameHeaders): Record<string, string | string[]> {
  const isText = (value: unknown) => typeof value === 'string';
  return Object.fromEntries(
    Object.entries(headers).filter(([, value]) => isText(value) || (Array.isArray(value) && value.every(isText))),
  ) as Record<string, string | string[]>;
}
