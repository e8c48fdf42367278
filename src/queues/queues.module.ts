import { Module } from '@nestjs/common';
import { MessageBodiesModule } from '../messages/bodies/message-bodies';
import { QueueShareService } from '../identity/signed-url/queue-share.service';
import { QueueReadCache } from './queue-read.cache';
import { QueueShareController } from './queue-share.controller';
import { QueuesController } from './queues.controller';
import { QueuesService } from './queues.service';

@Module({
  imports: [MessageBodiesModule],
  controllers: [QueuesController, QueueShareController],
  providers: [QueuesService, QueueShareService, QueueReadCache],
  exports: [QueuesService, QueueReadCache],
})
export class QueuesModule {}
