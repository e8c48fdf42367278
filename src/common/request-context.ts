import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { QueueSpace } from './queue-space';

/** Who is asking, resolved once per request before any handler runs. */
export interface RequestContext {
  project: string;
  clientId: string;
  roles: string[];
  userId?: string;
  isAdmin: boolean;
  /** The caller's Keystone token, with Keystone auth. */
  authToken?: string;
  /** Whether the request addresses queues or topics. */
  space: QueueSpace;
}

declare module 'fastify' {
  interface FastifyRequest {
    zaqar?: RequestContext;
  }
}

/** The caller's context, as resolved by RequestContextGuard. */
export const Ctx = createParamDecorator((_data: unknown, context: ExecutionContext): RequestContext => {
  return context.switchToHttp().getRequest().zaqar;
});

export const UNSCOPED = 'zaqar:unscoped';
/** Marks a route that needs neither a project nor a Client-ID (Zaqar's versions document). */
export const Unscoped = () => SetMetadata(UNSCOPED, true);
