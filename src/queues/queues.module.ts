import { Module } from '@nestjs/common';
import { QueueShareService } from '../identity/signed-url/queue-share.service';
import { QueueReadCache } from './queue-read.cache';
import { QueuesController } from './queues.controller';
import { QueuesService } from './queues.service';

@Module({
  controllers: [QueuesController],
  providers: [QueuesService, QueueShareService, QueueReadCache],
  exports: [QueuesService, QueueReadCache],
})
export class QueuesModule {}
