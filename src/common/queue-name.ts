import { PROJECT_ID_MAX_LENGTH, QUEUE_NAME_MAX_LENGTH } from '../config/limits';
import { BadRequest } from './errors';
import { isReservedProjectId } from './queue-space';

const QUEUE_NAME = /^[a-zA-Z0-9_\-.]+$/;

function isValidQueueName(name: string): boolean {
  return name.length <= QUEUE_NAME_MAX_LENGTH && QUEUE_NAME.test(name);
}

/**
 * Zaqar's "queue identification" check: a bad name or an over-long project id, when the request
 * names a queue. A project id holding a control character is refused always: none is legitimate,
 * and such a character marks the store keys of topics (queue-space).
 */
export function checkQueueIdentification(name: string | undefined, project: string): void {
  const invalidName = name !== undefined && (project.length > PROJECT_ID_MAX_LENGTH || !isValidQueueName(name));
  if (invalidName || isReservedProjectId(project)) {
    throw new BadRequest(
      'Invalid queue identification',
      'The format of the submitted queue name or project id is not valid.',
    );
  }
}
