import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-custom';
import { NotFound } from '../../common/errors';
import type { Settings } from '../../config/settings';
import { SETTINGS } from '../../config/settings.module';
import { Identity, SIGNED_URL } from '../identity';
import { readSignedUrlHeaders, routedPath, signedUrlCovers, signedUrlIdentity } from '../signed-url/signed-url.headers';
import { verifySignature } from '../signed-url/signed-url';

/**
 * Pre-signed URLs: a request carrying URL-Signature needs no token, but only for the signed
 * project, paths and methods, until the signature expires. Zaqar answers 404 to every failure.
 */
@Injectable()
export class SignedUrlStrategy extends PassportStrategy(Strategy, SIGNED_URL) {
  constructor(@Inject(SETTINGS) private readonly settings: Settings) {
    super();
  }

  validate(request: FastifyRequest): Identity {
    const claim = readSignedUrlHeaders(request.headers);
    const key = this.settings.signedUrlSecretKey;
    const path = routedPath(request.url);
    // The signature is checked before the signed paths are used as patterns: until then they
    // are the caller's text, and must not reach a regular expression engine.
    if (!claim || !key || !verifySignature(key, claim) || !signedUrlCovers(claim, request.method, path)) {
      throw new NotFound('The signed URL is invalid, expired, or does not cover this request.');
    }
    return signedUrlIdentity(claim);
  }
}
