import { Module } from '@nestjs/common';
import { QueueShareService } from '../identity/signed-url/queue-share.service';
import { QueueMetadataCache } from './queue-metadata.cache';
import { QueuesController } from './queues.controller';
import { QueuesService } from './queues.service';

@Module({
  controllers: [QueuesController],
  providers: [QueuesService, QueueShareService, QueueMetadataCache],
  exports: [QueuesService, QueueMetadataCache],
})
export class QueuesModule {}
