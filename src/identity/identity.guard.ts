import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard, IAuthGuard } from '@nestjs/passport';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { UNSCOPED } from '../common/request-context';
import type { Settings } from '../config/settings';
import { SETTINGS } from '../config/settings.module';
import { SIGNED_URL } from './identity';

/** A passport guard whose failures are our own errors, passed through untouched. */
function strategyGuard(name: string): IAuthGuard {
  class StrategyGuard extends AuthGuard(name) {
    override handleRequest<T>(error: unknown, user: T): T {
      if (error) throw error;
      return user;
    }
  }
  return new StrategyGuard();
}

/**
 * Authenticates every request except Zaqar's versions document: a request carrying a URL
 * signature goes to the signed-URL strategy (no token needed, as in Zaqar), every other one to the
 * configured strategy (noauth or keystone).
 */
@Injectable()
export class IdentityGuard implements CanActivate {
  private readonly configured: IAuthGuard;
  private readonly signedUrl = strategyGuard(SIGNED_URL);

  constructor(
    private readonly reflector: Reflector,
    @Inject(SETTINGS) settings: Settings,
  ) {
    this.configured = strategyGuard(settings.authStrategy);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.get<boolean>(UNSCOPED, context.getHandler())) return true;
    return this.authenticate(context);
  }

  /**
   * Authenticates a request that no route matched. Zaqar checks credentials before routing (only
   * `/` is open), so without a valid token an unknown path or method is a 401, not a 404 or 405.
   */
  async authenticateUnrouted(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (request.url.split('?')[0] === '/') return;
    await this.authenticate(new ExecutionContextHost([request, reply]));
  }

  /** Authenticates as every route does; for unscoped routes that check their callers themselves (metrics). */
  async authenticate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const guard = request.headers['url-signature'] ? this.signedUrl : this.configured;
    return (await guard.canActivate(context)) as boolean;
  }
}
