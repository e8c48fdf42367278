import { Inject, Injectable } from '@nestjs/common';
import type { Settings } from '../../config/settings';
import { SETTINGS } from '../../config/settings.module';
import { DeliveryTrigger } from '../../jobs/delivery.trigger';
import type { MessagePosting, MessageStage } from './message-stage';

/**
 * Zaqar's notifier (`zaqar.notification.notifier`): the post writes a delivery to each subscriber
 * in its own transaction (the outbox), and the delivery job is woken once it has committed.
 */
@Injectable()
export class NotifierStage implements MessageStage {
  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly delivery: DeliveryTrigger,
  ) {}

  beforePost(posting: MessagePosting): void {
    posting.notify = this.settings.notification.requireConfirmation ? 'confirmed' : 'subscribed';
  }

  afterPost(): void {
    this.delivery.wake();
  }
}
