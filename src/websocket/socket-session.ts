import { randomUUID } from 'node:crypto';
import type { RequestContext } from '../common/request-context';
import type { Identity } from '../identity/identity';
import type { Push } from '../notifications/socket-pushes';

/** A subscription whose subscriber is the connection: it ends when the connection does. */
export interface SocketSubscription {
  ctx: RequestContext;
  queue: string;
  id: string;
}

/** Zaqar closes a socket whose Keystone token has expired with this code. */
export const AUTHENTICATION_EXPIRED = { code: 4003, reason: 'Authentication expired.' } as const;

/** The longest setTimeout Node keeps; a token valid for longer is checked again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * One client connection of either socket transport: its id (the subscriber of its socket
 * subscriptions), the identity `authenticate` gave it, and how to push to it and close it.
 */
export class SocketSession {
  readonly id = randomUUID();
  private authenticated?: Identity;
  private expiry?: NodeJS.Timeout;
  private readonly subscriptions = new Map<string, SocketSubscription>();
  private readonly ended = new AbortController();

  constructor(
    readonly push: Push,
    private readonly close: (code: number, reason: string) => void,
  ) {}

  /** Fires when the connection ends: its waiting lists and claims stop waiting. */
  get closed(): AbortSignal {
    return this.ended.signal;
  }

  get identity(): Identity | undefined {
    return this.authenticated;
  }

  /** Every later frame acts as this identity until `expiresAt`, when the connection is closed. */
  authenticate(identity: Identity, expiresAt: Date): void {
    this.authenticated = identity;
    clearTimeout(this.expiry);
    const check = () => {
      const left = expiresAt.getTime() - Date.now();
      if (left > 0) {
        this.expiry = setTimeout(check, Math.min(left, MAX_TIMER_MS));
        return;
      }
      this.authenticated = undefined;
      this.close(AUTHENTICATION_EXPIRED.code, AUTHENTICATION_EXPIRED.reason);
    };
    check();
  }

  subscribed(subscription: SocketSubscription): void {
    this.subscriptions.set(`${subscription.ctx.project}/${subscription.queue}/${subscription.id}`, subscription);
  }

  /** Forgets its identity and hands back the subscriptions to end. */
  end(): SocketSubscription[] {
    clearTimeout(this.expiry);
    this.authenticated = undefined;
    this.ended.abort();
    return [...this.subscriptions.values()];
  }
}
