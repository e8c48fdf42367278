import type { IncomingHttpHeaders } from 'node:http';
import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-custom';
import { header, headerList } from '../../common/headers';
import { Identity, NOAUTH } from '../identity';

/**
 * Trusted headers, for development and for deployments behind a proxy that has already
 * authenticated the caller: the project from X-Project-ID, roles from X-Roles, user from X-User-ID.
 */
@Injectable()
export class NoAuthStrategy extends PassportStrategy(Strategy, NOAUTH) {
  validate(request: FastifyRequest): Identity {
    return trustedHeaders(request.headers);
  }
}

/** The identity noauth reads from a request's (or a socket frame's) headers. */
export function trustedHeaders(headers: IncomingHttpHeaders): Identity {
  return {
    project: header(headers, 'x-project-id'),
    userId: header(headers, 'x-user-id'),
    roles: headerList(headers, 'x-roles'),
    isAdmin: false,
  };
}
