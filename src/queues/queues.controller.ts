import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { UnsupportedMediaType } from '../common/errors';
import { JSON_PATCH_MEDIA_TYPE } from '../common/json-patch';
import { queuePath } from '../common/queue-space';
import { boolParam, intParam, Query as QueryParams, stringParam } from '../common/query';
import { contentLength } from '../common/request-body';
import { Ctx, RequestContext } from '../common/request-context';
import { ApiScoped } from '../openapi/api-scoped.decorator';
import { Action } from '../policy/action.decorator';
import {
  ApiCreateQueue,
  ApiDeleteQueue,
  ApiGetQueue,
  ApiListQueues,
  ApiPurgeQueue,
  ApiQueueStats,
  ApiUpdateQueue,
} from './queues.openapi';
import { listingBody, QueuesService } from './queues.service';

type RequestHeaders = Record<string, string | undefined>;

/** Where a route is served: v2's queues and topics, and v1.1's queues for the routes v1.1 has. */
const EVERY_API = ['v2/queues', 'v2/topics', 'v1.1/queues'];
const V2_ONLY = ['v2/queues', 'v2/topics'];
const at = (bases: string[], path: string) => bases.map((base) => base + path);

/** Queues, and topics: a topic is a queue of another space (queue-space), without claims or shares. */
@ApiTags('Queues')
@ApiScoped()
@Controller()
export class QueuesController {
  constructor(private readonly queues: QueuesService) {}

  @Action('queues:get_all')
  @ApiListQueues()
  @Get(EVERY_API)
  async list(@Ctx() ctx: RequestContext, @Query() query: QueryParams) {
    const page = await this.queues.list(ctx, {
      marker: stringParam(query, 'marker'),
      limit: intParam(query, 'limit'),
      detailed: boolParam(query, 'detailed'),
      withCount: boolParam(query, 'with_count'),
    });
    return listingBody(ctx, page);
  }

  @Action('queues:create')
  @ApiCreateQueue()
  @Put(at(EVERY_API, '/:queue'))
  async create(
    @Ctx() ctx: RequestContext,
    @Param('queue') queue: string,
    @Body() body: unknown,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const created = await this.queues.create(ctx, queue, body, contentLength(headers));
    reply.status(created ? 201 : 204).header('Location', queuePath(ctx, queue));
  }

  @Action('queues:get')
  @ApiGetQueue()
  @Get(at(EVERY_API, '/:queue'))
  get(@Ctx() ctx: RequestContext, @Param('queue') queue: string) {
    return this.queues.metadata(ctx, queue);
  }

  @Action('queues:update')
  @ApiUpdateQueue()
  @Patch(at(V2_ONLY, '/:queue'))
  update(
    @Ctx() ctx: RequestContext,
    @Param('queue') queue: string,
    @Body() body: unknown,
    @Headers() headers: RequestHeaders,
  ) {
    const mediaType = headers['content-type']?.split(';')[0].trim();
    if (mediaType !== JSON_PATCH_MEDIA_TYPE) {
      throw new UnsupportedMediaType(`Accepted media type for PATCH: ${JSON_PATCH_MEDIA_TYPE}.`, {
        'Accept-Patch': JSON_PATCH_MEDIA_TYPE,
      });
    }
    return this.queues.update(ctx, queue, body, contentLength(headers));
  }

  @Action('queues:delete')
  @ApiDeleteQueue()
  @Delete(at(EVERY_API, '/:queue'))
  @HttpCode(204)
  async delete(@Ctx() ctx: RequestContext, @Param('queue') queue: string): Promise<void> {
    await this.queues.delete(ctx, queue);
  }

  @Action('queues:stats')
  @ApiQueueStats()
  @Get(at(EVERY_API, '/:queue/stats'))
  stats(@Ctx() ctx: RequestContext, @Param('queue') queue: string) {
    return this.queues.stats(ctx, queue);
  }

  @Action('queues:purge')
  @ApiPurgeQueue()
  @Post(at(V2_ONLY, '/:queue/purge'))
  @HttpCode(204)
  async purge(
    @Ctx() ctx: RequestContext,
    @Param('queue') queue: string,
    @Body() body: unknown,
    @Headers() headers: RequestHeaders,
  ) {
    await this.queues.purge(ctx, queue, body, contentLength(headers));
  }
}
