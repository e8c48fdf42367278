/**
 * The one error family of the API. Each class knows its status and Zaqar's title; the exception
 * filter turns any of them into Zaqar's `{"title", "description"}` body.
 */
export class ZaqarError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly description: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(`${title}: ${description}`);
  }

  toBody(): { title: string; description: string } {
    return { title: this.title, description: this.description };
  }
}

/** A request that breaks an API rule (limits, ranges, parameter combinations). */
export class InvalidApiRequest extends ZaqarError {
  constructor(description: string) {
    super(400, 'Invalid API request', description);
  }
}

/** A body that cannot be read or has the wrong shape or types. */
export class InvalidRequestBody extends ZaqarError {
  constructor(description: string) {
    super(400, 'Invalid request body', description);
  }
}

/** A 400 with a title of its own, as Zaqar's request hooks give (missing headers, bad names). */
export class BadRequest extends ZaqarError {
  constructor(title: string, description: string) {
    super(400, title, description);
  }
}

/** A path no route serves, in Zaqar's words (Falcon's 404). */
export function noSuchResource(path: string): ZaqarError {
  return new ZaqarError(404, '404 Not Found', `The resource ${path} does not exist.`);
}

export class NotFound extends ZaqarError {
  constructor(description: string) {
    super(404, 'Not found', description);
  }
}

export class Forbidden extends ZaqarError {
  constructor(title = 'Not authorized', description = 'You are not authorized to complete this action.') {
    super(403, title, description);
  }
}

export class Conflict extends ZaqarError {
  constructor(description: string, headers: Record<string, string> = {}) {
    super(409, 'Resource conflict', description, headers);
  }
}

export class NotAcceptable extends ZaqarError {
  constructor() {
    super(
      406,
      'Media type not acceptable',
      'Endpoint only serves `application/json`; specify client-side media type support with the "Accept" header.',
    );
  }
}

export class MethodNotAllowed extends ZaqarError {
  constructor(method: string, allowed: string[]) {
    super(405, '405 Method Not Allowed', `The method ${method} is not allowed on this resource.`, {
      Allow: allowed.join(', '),
    });
  }
}

export class UnsupportedMediaType extends ZaqarError {
  constructor(description: string, headers: Record<string, string> = {}) {
    super(415, 'Unsupported media type', description, headers);
  }
}

export class PayloadTooLarge extends ZaqarError {
  constructor(limit: number) {
    super(413, 'Request body too large', `The request body may not be larger than ${limit} bytes.`);
  }
}

/** The back end failed; Zaqar appends its retry hint to every such description. */
export class ServiceUnavailable extends ZaqarError {
  constructor(description: string) {
    super(503, 'Service temporarily unavailable', `${description} Please try again in a few seconds.`);
  }
}

/** No valid credentials; the header tells the client where to get a token, as keystonemiddleware does. */
export class Unauthorized extends ZaqarError {
  constructor(authUri: string) {
    super(401, 'Unauthorized', 'The request you have made requires authentication.', {
      'WWW-Authenticate': `Keystone uri="${authUri}"`,
    });
  }
}
