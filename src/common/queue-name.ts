import { PROJECT_ID_MAX_LENGTH, QUEUE_NAME_MAX_LENGTH } from '../config/limits';
import { BadRequest } from './errors';

const QUEUE_NAME = /^[a-zA-Z0-9_\-.]+$/;

function isValidQueueName(name: string): boolean {
  return name.length <= QUEUE_NAME_MAX_LENGTH && QUEUE_NAME.test(name);
}

/** Zaqar's "queue identification" check: a bad name or an over-long project id. */
export function checkQueueIdentification(name: string, project: string): void {
  if (project.length > PROJECT_ID_MAX_LENGTH || !isValidQueueName(name)) {
    throw new BadRequest(
      'Invalid queue identification',
      'The format of the submitted queue name or project id is not valid.',
    );
  }
}
