/** Who the caller is, as an authentication strategy established it. */
export interface Identity {
  /** The project the request acts in; undefined when the caller named none. */
  project?: string;
  userId?: string;
  roles: string[];
  isAdmin: boolean;
  /** The Keystone token the caller authenticated with (trusts are made with it). */
  token?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by passport through IdentityGuard. */
    user?: Identity;
  }
}

/** Passport strategy names, one per authentication mode. */
export const NOAUTH = 'noauth';
export const KEYSTONE = 'keystone';
export const SIGNED_URL = 'signed-url';
