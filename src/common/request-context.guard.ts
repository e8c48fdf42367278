import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { SETTINGS } from '../config/settings.module';
import type { Settings } from '../config/settings';
import { acceptsJson } from './accept';
import { BadRequest, NotAcceptable, noSuchResource } from './errors';
import { header } from './headers';
import { isV1_1Route, spaceOfRoute } from './queue-space';
import { requestScope } from './request-scope';
import { UNSCOPED } from './request-context';

/**
 * Zaqar's request hooks, in Zaqar's order: no form-encoded bodies, an acceptable Accept, then the
 * scope every transport checks (requestScope). Every /v2 route goes through it, ping included, as
 * in Zaqar.
 */
@Injectable()
export class RequestContextGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.get<boolean>(UNSCOPED, context.getHandler())) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const route = request.routeOptions.url; // Fastify builds routeOptions anew on each read
    // v1.1's routes always exist; unless enabled they answer as paths nobody serves.
    if (!this.settings.apiV1_1 && isV1_1Route(route)) {
      throw noSuchResource(request.url.split('?')[0]);
    }
    const headers = request.headers;
    if (headers['content-length'] && headers['content-type']?.toLowerCase() === 'application/x-www-form-urlencoded') {
      throw new BadRequest(
        'Invalid Content-Type',
        'Endpoint does not accept `application/x-www-form-urlencoded` content; currently supported media type is ' +
          '`application/json`; specify proper client-side media type with the "Content-Type" header.',
      );
    }
    if (!acceptsJson(header(headers, 'accept'))) throw new NotAcceptable();
    const queue = (request.params as Record<string, string> | undefined)?.queue;
    const space = spaceOfRoute(route);
    request.zaqar = requestScope(headers, request.user!, queue, this.settings.limits, space);
    return true;
  }
}
