import type { IncomingHttpHeaders } from 'node:http';
import type { TransportLimits } from '../config/limits';
import type { Identity } from '../identity/identity';
import { checkClientId } from './client-id';
import { BadRequest } from './errors';
import { header } from './headers';
import { checkQueueIdentification } from './queue-name';
import { QUEUES, type QueueSpace } from './queue-space';
import type { RequestContext } from './request-context';

/**
 * Who a request acts as, in Zaqar's order of checks: a valid Client-ID, a project (from the
 * identity the authentication established), then a well-formed queue name when it names one.
 * REST and the socket transports all resolve their callers here.
 */
export function requestScope(
  headers: IncomingHttpHeaders,
  identity: Identity,
  queue: string | undefined,
  limits: TransportLimits,
  space: QueueSpace = QUEUES,
): RequestContext {
  const clientId = header(headers, 'client-id');
  if (clientId === undefined) throw new BadRequest('Missing header value', 'The "Client-ID" header is required.');
  checkClientId(clientId, limits);
  const project = identity.project;
  if (project === '') {
    throw new BadRequest(
      'Empty project header not allowed',
      'X-PROJECT-ID cannot be an empty string. Specify the right header X-PROJECT-ID and retry.',
    );
  }
  if (project === undefined) throw new BadRequest('Project-Id Missing', 'The header X-PROJECT-ID was missing');
  checkQueueIdentification(queue, project);
  const { roles, userId, isAdmin, token: authToken } = identity;
  return { project, clientId, roles, userId, isAdmin, authToken, space };
}
