import { Module } from '@nestjs/common';
import { QueuesModule } from '../queues/queues.module';
import { FailedDeliveriesController } from './failed-deliveries.controller';
import { FailedDeliveriesService } from './failed-deliveries.service';
import { ConfirmationNotifier } from './confirmation.notifier';
import { SubscriptionsController } from './subscriptions.controller';
import { SubscriptionsService } from './subscriptions.service';

@Module({
  imports: [QueuesModule],
  controllers: [SubscriptionsController, FailedDeliveriesController],
  providers: [SubscriptionsService, FailedDeliveriesService, ConfirmationNotifier],
  exports: [SubscriptionsService],
})
export class SubscriptionsModule {}
