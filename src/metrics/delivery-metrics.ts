import { Injectable } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';

const TARGETS = ['webhook', 'email', 'socket'] as const;

/** Which deliverer a subscriber's URI calls for. */
export type DeliveryTarget = (typeof TARGETS)[number];

/** What the delivery job reports of each attempt to tell a subscriber, by target. */
export abstract class DeliveryMetrics {
  abstract delivered(target: DeliveryTarget): void;
  /** The attempt failed; `retried` or `gaveUp` follows. */
  abstract attemptFailed(target: DeliveryTarget): void;
  /** Scheduled again by the retry policy. */
  abstract retried(target: DeliveryTarget): void;
  /** Given up: moved to the subscription's failed deliveries. */
  abstract gaveUp(target: DeliveryTarget): void;
}

/** METRICS=off. */
export const UNCOUNTED_DELIVERIES: DeliveryMetrics = {
  delivered: () => undefined,
  attemptFailed: () => undefined,
  retried: () => undefined,
  gaveUp: () => undefined,
};

@Injectable()
export class CountedDeliveries implements DeliveryMetrics {
  private readonly deliveredTotal: Counter<'target'>;
  private readonly failedTotal: Counter<'target'>;
  private readonly retriedTotal: Counter<'target'>;
  private readonly deadLetteredTotal: Counter<'target'>;

  constructor(registry: Registry) {
    // Every target's series from the start, so that rate() sees the first delivery as an increase.
    const counter = (name: string, help: string) => {
      const made = new Counter({ name, help, labelNames: ['target'] as const, registers: [registry] });
      for (const target of TARGETS) made.inc({ target }, 0);
      return made;
    };
    this.deliveredTotal = counter('zaqar_notifications_delivered_total', 'Notifications delivered, by target.');
    this.failedTotal = counter('zaqar_notification_attempts_failed_total', 'Delivery attempts that failed, by target.');
    this.retriedTotal = counter(
      'zaqar_notifications_retried_total',
      'Failed deliveries scheduled again by their retry policy, by target.',
    );
    this.deadLetteredTotal = counter(
      'zaqar_notifications_dead_lettered_total',
      "Deliveries given up and moved to their subscription's failed deliveries, by target.",
    );
  }

  delivered(target: DeliveryTarget): void {
    this.deliveredTotal.inc({ target });
  }

  attemptFailed(target: DeliveryTarget): void {
    this.failedTotal.inc({ target });
  }

  retried(target: DeliveryTarget): void {
    this.retriedTotal.inc({ target });
  }

  gaveUp(target: DeliveryTarget): void {
    this.deadLetteredTotal.inc({ target });
  }
}
