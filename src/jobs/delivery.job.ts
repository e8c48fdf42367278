import { Inject, Injectable, Logger, OnModuleDestroy, Optional } from '@nestjs/common';
import type { Settings } from '../config/settings';
import { SETTINGS } from '../config/settings.module';
import { KeystoneClient, TrustRefused } from '../identity/keystone';
import type { DeliveryOutcome } from '../notifications/delivery-outcome';
import { MessageBodies } from '../messages/bodies/message-bodies';
import { DeliveryMetrics, DeliveryTarget } from '../metrics/delivery-metrics';
import { EmailSender } from '../notifications/email.sender';
import { effectiveRetryPolicy, retryDelays } from '../notifications/retry-schedule';
import { outgoingMessage } from '../notifications/outgoing-message';
import { SocketPushes, socketConnectionId } from '../notifications/socket-pushes';
import { FILTER_OPTION, matchesFilter, type SubscriptionFilter } from '../notifications/subscription-filter';
import { sendWebhook } from '../notifications/webhook.sender';
import { DELIVERY_STORE, DeliveryStore, DueDelivery } from '../storage/storage.contract';

/** Deliveries one run leases at most; a full batch makes the runner go again at once. */
export const DELIVERY_BATCH = 50;

/** What one run of the delivery job did. */
export interface DeliveryRun {
  leased: number;
  /** Something is due at once: the batch was full, or a retry policy asked for a retry with no delay. */
  moreDue: boolean;
}

/**
 * How long a leased delivery is ours: past the attempt's response timeout (which bounds it), so a
 * live process never has its delivery sent twice; a dead one's come due again this much later.
 */
const LEASE_MARGIN_MS = 5_000;

/**
 * Tells subscribers of new messages: leases due deliveries from the outbox, sends each, and
 * settles it by the outcome and the retry policy (the subscription's, else the queue's).
 */
@Injectable()
export class DeliveryJob implements OnModuleDestroy {
  private readonly logger = new Logger(DeliveryJob.name);
  private readonly email: EmailSender;

  constructor(
    @Inject(DELIVERY_STORE) private readonly deliveries: DeliveryStore,
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly sockets: SocketPushes,
    private readonly bodies: MessageBodies,
    private readonly metrics: DeliveryMetrics,
    @Optional() private readonly keystone?: KeystoneClient,
  ) {
    const { smtp, responseTimeoutMs, externalConfirmationUrl } = settings.notification;
    this.email = new EmailSender(smtp, responseTimeoutMs, externalConfirmationUrl);
  }

  /** Sends what is due now. */
  async run(now = Date.now()): Promise<DeliveryRun> {
    const leaseMs = this.settings.notification.responseTimeoutMs + LEASE_MARGIN_MS;
    const due = await this.deliveries.lease(DELIVERY_BATCH, now, leaseMs);
    const dueAgain = await Promise.all(due.map((delivery) => this.deliver(delivery)));
    return { leased: due.length, moreDue: due.length === DELIVERY_BATCH || dueAgain.includes(true) };
  }

  onModuleDestroy(): void {
    this.email.close();
  }

  /** Sends and settles one delivery; true when it is to be tried again at once. */
  private async deliver(stored: DueDelivery): Promise<boolean> {
    const delivery = this.bodies.delivery(stored);
    const filter = delivery.options[FILTER_OPTION] as SubscriptionFilter | undefined;
    if (filter && delivery.kind === 'notification' && !matchesFilter(filter, delivery.message.body)) {
      await this.deliveries.complete([delivery.id]);
      return false;
    }
    const target = targetOf(delivery.subscriber);
    const outcome = await this.send(delivery, target);
    const now = Date.now();
    if (outcome.kind === 'delivered') {
      await this.deliveries.complete([delivery.id]);
      this.metrics.delivered(target);
      return false;
    }
    this.metrics.attemptFailed(target);
    const made = delivery.attempts + 1;
    if (outcome.kind === 'retry') {
      const policy = effectiveRetryPolicy(delivery.options._retry_policy, delivery.queueMetadata._retry_policy);
      const delays = retryDelays(policy);
      if (made <= delays.length) {
        const delay = delays[made - 1] * 1000;
        await this.deliveries.retry(delivery.id, made, now + delay, outcome.reason);
        this.metrics.retried(target);
        return delay === 0;
      }
    }
    this.logger.warn(`delivery to ${delivery.subscriber} failed for good after ${made} attempts: ${outcome.reason}`);
    await this.deliveries.fail({ ...delivery, attempts: made }, outcome.reason, now);
    this.metrics.gaveUp(target);
    return false;
  }

  private async pushToSocket(connection: string, delivery: DueDelivery): Promise<DeliveryOutcome> {
    try {
      await this.sockets.push(connection, outgoingMessage(delivery));
      return { kind: 'delivered' };
    } catch (error) {
      return { kind: 'retry', reason: `push to socket ${connection}: ${(error as Error).message}` };
    }
  }

  private async send(delivery: DueDelivery, target: DeliveryTarget): Promise<DeliveryOutcome> {
    if (target === 'email') return this.email.send(delivery);
    if (target === 'socket') return this.pushToSocket(socketConnectionId(delivery.subscriber)!, delivery);
    const { connectTimeoutMs, responseTimeoutMs, guardWebhookTargets } = this.settings.notification;
    const options = { connectMs: connectTimeoutMs, responseMs: responseTimeoutMs, guard: guardWebhookTargets };
    const trustId = delivery.options.trust_id;
    if (!this.keystone || !/^trust\+/i.test(delivery.subscriber) || typeof trustId !== 'string') {
      return sendWebhook(delivery, options, Date.now());
    }
    let token: string;
    try {
      token = await this.keystone.trustToken(trustId);
    } catch (error) {
      const reason = `no token for trust ${trustId}: ${(error as Error).message}`;
      return { kind: error instanceof TrustRefused ? 'rejected' : 'retry', reason };
    }
    return sendWebhook(delivery, options, Date.now(), { 'X-Auth-Token': token });
  }
}

/** Which deliverer a subscriber's URI calls for. */
function targetOf(subscriber: string): DeliveryTarget {
  if (/^mailto:/i.test(subscriber)) return 'email';
  return socketConnectionId(subscriber) === undefined ? 'webhook' : 'socket';
}
