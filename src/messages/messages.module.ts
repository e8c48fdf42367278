import { Module } from '@nestjs/common';
import { MessageBodiesModule } from './bodies/message-bodies';
import { QueuesModule } from '../queues/queues.module';
import { MessagesController } from './messages.controller';
import { MessagesService } from './messages.service';
import { MessageSignalsModule } from './wait/message-signals.module';

@Module({
  imports: [QueuesModule, MessageBodiesModule, MessageSignalsModule],
  controllers: [MessagesController],
  providers: [MessagesService],
  exports: [MessagesService],
})
export class MessagesModule {}
