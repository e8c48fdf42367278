import { ApiParam } from '@nestjs/swagger';

/** The {queue} of /v2/queues/{queue}/… and /v2/topics/{queue}/…: a queue's or a topic's name. */
export function ApiQueueParam() {
  return ApiParam({
    name: 'queue',
    description: 'The queue (or topic) name: 1-64 letters, digits, underscores, hyphens and dots.',
    example: 'fizbit',
  });
}
