import { ServiceUnavailable } from '../../common/errors';

/**
 * Keystone could not say whether a token is valid: down, timing out, answering 5xx, or refusing our
 * own service credentials. The request gets 503, never 401 (the client's token may be fine) and
 * never 500 (nothing here is our bug). `reason` is for logs; the body stays Zaqar's generic 503.
 */
export class IdentityUnavailable extends ServiceUnavailable {
  constructor(
    readonly reason: string,
    cause?: unknown,
  ) {
    super('The identity service could not validate the token.');
    this.message = `Identity service unavailable: ${reason}`;
    if (cause !== undefined) this.cause = cause;
  }
}
