import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { Settings } from '../config/settings';
import { SETTINGS } from '../config/settings.module';
import { SignedUrlError } from '../identity/signed-url/signed-url.error';
import { DeliveryTrigger } from '../jobs/delivery.trigger';
import { confirmationRequest, type ConfirmationType } from '../notifications/confirmation-request';
import { queueRef } from '../common/queue-space';
import type { RequestContext } from '../common/request-context';
import { DELIVERY_STORE, type DeliveryStore } from '../storage/storage.contract';
import { subscriptionsPath } from './subscription-paths';

/**
 * Zaqar's send_confirm_notification: with require_confirmation on, asks a new subscriber to
 * confirm (and tells one that unsubscribed how to come back) through a link signed with the
 * signed-URL key. The request goes into the outbox, so the delivery job sends it with the
 * subscription's retry policy and a failure lands in the failed list instead of a log line.
 */
@Injectable()
export class ConfirmationNotifier implements OnModuleInit {
  private readonly logger = new Logger(ConfirmationNotifier.name);

  constructor(
    @Inject(DELIVERY_STORE) private readonly deliveries: DeliveryStore,
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly delivery: DeliveryTrigger,
  ) {}

  onModuleInit(): void {
    if (this.settings.notification.requireConfirmation && !this.settings.signedUrlSecretKey) {
      this.logger.error(NO_KEY);
    }
  }

  /** Does nothing unless require_confirmation is on; `ttl` (seconds) is how long the link works. */
  async send(
    ctx: RequestContext,
    queue: string,
    subscriptionId: string,
    type: ConfirmationType,
    ttl: number,
  ): Promise<void> {
    const { requireConfirmation, publicUrl, publicWebsocketUrl } = this.settings.notification;
    if (!requireConfirmation) return;
    const key = this.settings.signedUrlSecretKey;
    // As Zaqar: the subscription stands, and only its owner can confirm it (PUT .../confirm).
    if (!key) return this.logger.error(`No ${type} for subscription ${subscriptionId}: ${NO_KEY}`);
    const now = new Date();
    let body: Record<string, unknown>;
    try {
      body = confirmationRequest({
        type,
        project: ctx.project,
        queue,
        noun: ctx.space.noun,
        confirmPath: `${subscriptionsPath(ctx, queue)}/${subscriptionId}/confirm`,
        key,
        expires: now.getTime() + ttl * 1000,
        publicUrl,
        publicWebsocketUrl,
        now,
      });
    } catch (error) {
      // A ttl of 0 (which Zaqar lets through) makes a link that has expired already.
      if (!(error instanceof SignedUrlError)) throw error;
      return this.logger.warn(`No ${type} for subscription ${subscriptionId}: ${error.message}`);
    }
    await this.deliveries.enqueueConfirmation({ ref: queueRef(ctx, queue), subscriptionId, body }, now.getTime());
    this.delivery.wake();
  }
}

const NO_KEY =
  'require_confirmation is on but [signed_url] secret_key (SIGNED_URL_SECRET_KEY) is not set, so ' +
  'subscribers are sent no confirmation request and get no notifications until confirmed by their owner';
