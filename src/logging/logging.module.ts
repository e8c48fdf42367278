import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';

/**
 * NestJS's own logs (start-up, errors) through the server's pino logger. Request lines come from
 * one Fastify hook (logging/request-log), so no per-request middleware is mounted (`forRoutes: []`).
 */
@Module({})
export class LoggingModule {
  static forRoot(logger: Logger): DynamicModule {
    return { module: LoggingModule, imports: [LoggerModule.forRoot({ pinoHttp: { logger }, forRoutes: [] })] };
  }
}
