import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { Forbidden } from '../common/errors';
import { RequestContext, UNSCOPED } from '../common/request-context';
import type { Identity } from '../identity/identity';
import { ACTION, NO_POLICY } from './action.decorator';
import { PolicyService } from './policy.service';

/**
 * Decides each route's action against policy.json for the caller. A scoped route that names no
 * action is refused: a new endpoint cannot be left open by forgetting its decorator.
 */
@Injectable()
export class PolicyGuard implements CanActivate {
  private readonly logger = new Logger(PolicyGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly policy: PolicyService,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.get<boolean>(UNSCOPED, context.getHandler())) return true;
    const action = this.reflector.get<string>(ACTION, context.getHandler());
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (action === NO_POLICY) return true;
    if (!action) {
      this.logger.error(`${request.method} ${request.url} has no policy action; refused`);
      throw new Forbidden();
    }
    authorize(this.policy, action, request.zaqar!);
    return true;
  }
}

/** The one policy check every transport makes: REST here, WebSocket and Socket.IO later. */
export function authorize(policy: PolicyService, queueAction: string, ctx: RequestContext): void {
  authorizeCaller(policy, ctx.space.action(queueAction), ctx);
}

/** The check of an action outside the queue spaces (metrics:get), for a caller that may name no project. */
export function authorizeCaller(policy: PolicyService, action: string, caller: PolicyCaller): void {
  const credentials = {
    roles: caller.roles,
    project_id: caller.project,
    user_id: caller.userId,
    is_admin: caller.isAdmin,
  };
  policy.check(
    action,
    { project_id: caller.project },
    credentials,
    () => new Forbidden('Not authorized', `${action} is disallowed by policy.`),
  );
}

type PolicyCaller = Pick<Identity, 'project' | 'roles' | 'userId' | 'isAdmin'>;
