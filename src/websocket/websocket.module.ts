import { Module } from '@nestjs/common';
import { ClaimsModule } from '../claims/claims.module';
import { HealthModule } from '../health/health.module';
import { MessagesModule } from '../messages/messages.module';
import { PolicyModule } from '../policy/policy.module';
import { QueuesModule } from '../queues/queues.module';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module';
import { SocketAuthentication } from './socket-authentication';
import { ZaqarActions } from './zaqar-actions';
import { ZaqarProtocol } from './zaqar-protocol';
import { ZaqarWebsocketServer } from './zaqar-websocket.server';

/** Zaqar's WebSocket JSON protocol, over the services the REST controllers use. */
@Module({
  imports: [QueuesModule, MessagesModule, ClaimsModule, SubscriptionsModule, HealthModule, PolicyModule],
  providers: [ZaqarActions, SocketAuthentication, ZaqarProtocol, ZaqarWebsocketServer],
  exports: [ZaqarProtocol],
})
export class WebsocketModule {}
