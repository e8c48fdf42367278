import { createHash, timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { Settings } from '../config/settings';
import { SETTINGS } from '../config/settings.module';
import { IdentityGuard } from '../identity/identity.guard';
import { ACTION } from '../policy/action.decorator';
import { authorizeCaller } from '../policy/policy.guard';
import { PolicyService } from '../policy/policy.service';

/**
 * Who may scrape: a request presenting METRICS_TOKEN as its bearer token, which a Prometheus
 * scraper carries easily where a Keystone token is not; else whoever the route's policy action
 * allows, authenticated as on any route (noauth headers, a Keystone token) but with no Client-ID
 * or project required, as a scrape names neither.
 */
@Injectable()
export class MetricsAccessGuard implements CanActivate {
  private readonly tokenDigest?: Buffer;

  constructor(
    @Inject(SETTINGS) settings: Settings,
    private readonly identity: IdentityGuard,
    private readonly policy: PolicyService,
    private readonly reflector: Reflector,
  ) {
    const token = settings.metrics.token;
    this.tokenDigest = token === undefined ? undefined : digest(token);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (this.presentsToken(request.headers.authorization)) return true;
    await this.identity.authenticate(context);
    authorizeCaller(this.policy, this.reflector.get<string>(ACTION, context.getHandler()), request.user!);
    return true;
  }

  private presentsToken(authorization: string | undefined): boolean {
    const bearer = /^Bearer +(\S+) *$/i.exec(authorization ?? '')?.[1];
    if (this.tokenDigest === undefined || bearer === undefined) return false;
    return timingSafeEqual(digest(bearer), this.tokenDigest);
  }
}

/** Digests have one length whatever the token's, so the comparison leaks neither. */
function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
