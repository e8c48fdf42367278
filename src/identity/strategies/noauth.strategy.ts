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
    return {
      project: header(request.headers, 'x-project-id'),
      userId: header(request.headers, 'x-user-id'),
      roles: headerList(request.headers, 'x-roles'),
      isAdmin: false,
    };
  }
}
