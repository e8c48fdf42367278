import { Module } from '@nestjs/common';
import { QueuesModule } from '../queues/queues.module';
import { ConfirmationNotifier } from './confirmation.notifier';
import { SubscriptionsController } from './subscriptions.controller';
import { SubscriptionsService } from './subscriptions.service';

@Module({
  imports: [QueuesModule],
  controllers: [SubscriptionsController],
  providers: [SubscriptionsService, ConfirmationNotifier],
  exports: [SubscriptionsService],
})
export class SubscriptionsModule {}
