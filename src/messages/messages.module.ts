import { Module } from '@nestjs/common';
import { MessageBodiesModule } from './bodies/message-bodies';
import { QueuesModule } from '../queues/queues.module';
import { MessagesController } from './messages.controller';
import { MessagesService } from './messages.service';

@Module({
  imports: [QueuesModule, MessageBodiesModule],
  controllers: [MessagesController],
  providers: [MessagesService],
  exports: [MessagesService],
})
export class MessagesModule {}
