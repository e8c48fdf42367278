import { applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiSecurity } from '@nestjs/swagger';
import { ApiErrors } from './api-errors.decorator';
import { CREDENTIALS } from './credentials';

const CLIENT_ID =
  "The client instance's id, generated once and kept across restarts: messages are not echoed back to it " +
  'unless asked. A UUID, or any 10-36 characters with client_id_uuid_safe = off.';

/**
 * What every route but the versions document needs and may answer, as the global guards decide:
 * credentials, a Client-ID (Zaqar asks one of every request, ping included), and the common refusals.
 * On a controller it covers each of its routes.
 */
export function ApiScoped() {
  return applyDecorators(
    ...CREDENTIALS.map((requirement) => ApiSecurity(requirement)),
    ApiHeader({
      name: 'Client-ID',
      required: true,
      description: CLIENT_ID,
      schema: { type: 'string', example: '3381af92-2b9e-11e3-b191-71861300734c' },
    }),
    ApiErrors(400, 401, 403, 406, 503),
  );
}
