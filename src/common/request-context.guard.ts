import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { SETTINGS } from '../config/settings.module';
import type { Settings } from '../config/settings';
import { checkClientId } from './client-id';
import { acceptsJson } from './accept';
import { BadRequest, NotAcceptable } from './errors';
import { header } from './headers';
import { checkQueueIdentification } from './queue-name';
import { UNSCOPED } from './request-context';

/**
 * Zaqar's request hooks, in Zaqar's order: no form-encoded bodies, a valid Client-ID, a project
 * (from the identity IdentityGuard established), then a well-formed queue name. Every /v2 route
 * goes through it, ping included, as in Zaqar.
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
    const headers = request.headers;
    if (headers['content-length'] && headers['content-type']?.toLowerCase() === 'application/x-www-form-urlencoded') {
      throw new BadRequest(
        'Invalid Content-Type',
        'Endpoint does not accept `application/x-www-form-urlencoded` content; currently supported media type is ' +
          '`application/json`; specify proper client-side media type with the "Content-Type" header.',
      );
    }
    if (!acceptsJson(header(headers, 'accept'))) throw new NotAcceptable();
    const clientId = header(headers, 'client-id');
    if (clientId === undefined) throw new BadRequest('Missing header value', 'The "Client-ID" header is required.');
    checkClientId(clientId, this.settings.limits);
    const identity = request.user!;
    const project = identity.project;
    if (project === '') {
      throw new BadRequest(
        'Empty project header not allowed',
        'X-PROJECT-ID cannot be an empty string. Specify the right header X-PROJECT-ID and retry.',
      );
    }
    if (project === undefined) throw new BadRequest('Project-Id Missing', 'The header X-PROJECT-ID was missing');
    const queue = (request.params as Record<string, string> | undefined)?.queue;
    if (queue !== undefined) checkQueueIdentification(queue, project);
    const { roles, userId, isAdmin, token: authToken } = identity;
    request.zaqar = { project, clientId, roles, userId, isAdmin, authToken };
    return true;
  }
}
