import { Module } from '@nestjs/common';
import { ClaimsModule } from '../claims/claims.module';
import { MessagesModule } from '../messages/messages.module';
import { PolicyModule } from '../policy/policy.module';
import { QueuesModule } from '../queues/queues.module';
import { ZaqarActions } from './zaqar-actions';
import { ZaqarWebsocketServer } from './zaqar-websocket.server';

/** Zaqar's WebSocket JSON protocol, over the services the REST controllers use. */
@Module({
  imports: [QueuesModule, MessagesModule, ClaimsModule, PolicyModule],
  providers: [ZaqarActions, ZaqarWebsocketServer],
})
export class WebsocketModule {}
