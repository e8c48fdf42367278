import { TransportLimits } from '../config/limits';
import { BadRequest } from './errors';

/**
 * Checks a Client-ID the way Zaqar does: in 'strict' mode it must parse as a UUID as Python's
 * uuid.UUID() parses it (braces, "urn:uuid:" and dashes anywhere are tolerated).
 */
export function checkClientId(clientId: string, limits: TransportLimits): void {
  if (limits.client_id_uuid_safe === 'off') {
    if (clientId.length < limits.min_length_client_id || clientId.length > limits.max_length_client_id) {
      const description =
        `Length of client id must be at least ${limits.min_length_client_id} and no greater than ` +
        `${limits.max_length_client_id}.`;
      throw new BadRequest(description, description);
    }
    return;
  }
  const hex = clientId
    .replace('urn:', '')
    .replace('uuid:', '')
    .replace(/^[{}]+|[{}]+$/g, '')
    .replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new BadRequest('Wrong UUID value', 'Malformed hexadecimal UUID.');
}
