import { Module } from '@nestjs/common';
import { QueueShareService } from '../identity/signed-url/queue-share.service';
import { QueuesController } from './queues.controller';
import { QueuesService } from './queues.service';

@Module({ controllers: [QueuesController], providers: [QueuesService, QueueShareService], exports: [QueuesService] })
export class QueuesModule {}
