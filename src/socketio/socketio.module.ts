import { DynamicModule, Module } from '@nestjs/common';
import type { Settings } from '../config/settings';
import { WebsocketModule } from '../websocket/websocket.module';
import { ZaqarSocketioGateway } from './zaqar-socketio.gateway';

/** Zaqar's socket protocol over Socket.IO on the REST port, unless SOCKETIO is off. */
@Module({})
export class SocketioModule {
  static forRoot(settings: Settings): DynamicModule {
    return {
      module: SocketioModule,
      imports: [WebsocketModule],
      providers: settings.socketio ? [ZaqarSocketioGateway] : [],
    };
  }
}
