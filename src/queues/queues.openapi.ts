import { applyDecorators } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import { JSON_PATCH_MEDIA_TYPE } from '../common/json-patch';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { locationHeader } from '../openapi/location-header';
import { ApiQueueParam } from '../openapi/path-params';
import { ApiFlag, ApiPaging } from '../openapi/query-params';
import { ApiRemoveOne } from '../openapi/resource-routes';
import { MetadataPatchDto } from './dto/metadata-patch.dto';
import { PurgeQueueDto } from './dto/purge-queue.dto';
import { QueueMetadataDto } from './dto/queue-metadata.dto';
import { QueuePageDto } from './dto/queue-page.dto';
import { QueueStatsDto } from './dto/queue-stats.dto';

/** The OpenAPI description of each queues (and topics) route, beside the controller it describes. */

export const ApiListQueues = () =>
  applyDecorators(
    ApiOperation({ summary: "List the project's queues (or topics)", description: 'In name order.' }),
    ApiPaging('max_queues_per_page'),
    ApiFlag('detailed', "Show each one's metadata (false by default)."),
    ApiFlag('with_count', 'Add how many the project has (false by default).'),
    ApiOkResponse({ type: QueuePageDto }),
  );

export const ApiCreateQueue = () =>
  applyDecorators(
    ApiOperation({
      summary: 'Create a queue (or topic)',
      description: 'An existing one is left as it is. Queues are also created by posting to them.',
    }),
    ApiQueueParam(),
    ApiBody({
      type: QueueMetadataDto,
      required: false,
      description: 'Its metadata; at most max_queue_metadata bytes.',
    }),
    ApiCreatedResponse({ description: 'Created.', headers: locationHeader('The queue.') }),
    ApiNoContentResponse({ description: 'It existed already.', headers: locationHeader('The queue.') }),
    ApiErrors(409),
  );

export const ApiGetQueue = () =>
  applyDecorators(
    ApiOperation({
      summary: "Get a queue's (or topic's) metadata",
      description: 'A queue never created answers the defaults; a topic never created answers 404.',
    }),
    ApiQueueParam(),
    ApiOkResponse({ type: QueueMetadataDto }),
    ApiErrors(404),
  );

export const ApiUpdateQueue = () =>
  applyDecorators(
    ApiOperation({
      summary: "Change a queue's (or topic's) metadata",
      description: 'Answers the metadata as changed.',
    }),
    ApiQueueParam(),
    ApiConsumes(JSON_PATCH_MEDIA_TYPE),
    ApiBody({ type: MetadataPatchDto, isArray: true }),
    ApiOkResponse({ type: QueueMetadataDto }),
    ApiErrors(404, 409, 415),
  );

export const ApiDeleteQueue = () =>
  ApiRemoveOne('Delete a queue (or topic)', 'With its messages; a missing one answers 204.', ApiQueueParam());

export const ApiQueueStats = () =>
  applyDecorators(
    ApiOperation({ summary: "Get a queue's (or topic's) message counts" }),
    ApiQueueParam(),
    ApiOkResponse({ type: QueueStatsDto }),
  );

export const ApiPurgeQueue = () =>
  applyDecorators(
    ApiOperation({ summary: "Remove a queue's (or topic's) messages, subscriptions, or both" }),
    ApiQueueParam(),
    ApiBody({ type: PurgeQueueDto, required: false }),
    ApiNoContentResponse({ description: 'Purged.' }),
    ApiErrors(413),
  );
