import { Module } from '@nestjs/common';
import { MessageBodiesModule } from '../messages/bodies/message-bodies';
import { QueuesModule } from '../queues/queues.module';
import { ClaimsController } from './claims.controller';
import { ClaimsService } from './claims.service';
import { MessageSignalsModule } from '../messages/wait/message-signals.module';

@Module({
  imports: [QueuesModule, MessageBodiesModule, MessageSignalsModule],
  controllers: [ClaimsController],
  providers: [ClaimsService],
  exports: [ClaimsService],
})
export class ClaimsModule {}
