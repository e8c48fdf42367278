import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-custom';
import { Unauthorized } from '../../common/errors';
import { header } from '../../common/headers';
import { Identity, KEYSTONE } from '../identity';
import { KeystoneClient, KeystoneSettings } from '../keystone';

export const KEYSTONE_SETTINGS = Symbol('KeystoneSettings');

/**
 * Keystone tokens, validated as keystonemiddleware does (cached): the project, user and roles come
 * from the token, and an X-Project-ID header cannot override them. Keystone being down is a 503.
 */
@Injectable()
export class KeystoneStrategy extends PassportStrategy(Strategy, KEYSTONE) {
  constructor(
    private readonly keystone: KeystoneClient,
    @Inject(KEYSTONE_SETTINGS) private readonly settings: KeystoneSettings,
  ) {
    super();
  }

  async validate(request: FastifyRequest): Promise<Identity> {
    const token = header(request.headers, 'x-auth-token');
    const validated = token ? await this.keystone.validate(token) : null;
    if (!validated) throw new Unauthorized(this.settings.wwwAuthenticateUri);
    return {
      project: validated.projectId ?? undefined,
      userId: validated.userId,
      roles: validated.roles,
      isAdmin: false,
      token,
    };
  }
}
