import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { clientGone } from '../common/client-gone';
import { boolParam, intParam, listParam, Query as QueryParams, stringParam } from '../common/query';
import { contentLength } from '../common/request-body';
import { Ctx, RequestContext } from '../common/request-context';
import { ApiScoped } from '../openapi/api-scoped.decorator';
import { ApiQueueParam } from '../openapi/path-params';
import { Action } from '../policy/action.decorator';
import { queuePath } from '../common/queue-space';
import { MessagesService } from './messages.service';
import {
  ApiDeleteMessage,
  ApiDeleteMessages,
  ApiGetMessage,
  ApiListMessages,
  ApiPostMessages,
} from './messages.openapi';

@ApiTags('Messages')
@ApiScoped()
@ApiQueueParam()
@Controller(['v2/queues/:queue/messages', 'v2/topics/:queue/messages', 'v1.1/queues/:queue/messages'])
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  @Action('messages:create')
  @ApiPostMessages()
  @Post()
  @HttpCode(201)
  async post(
    @Ctx() ctx: RequestContext,
    @Param('queue') queue: string,
    @Body() body: unknown,
    @Headers() headers: Record<string, string | undefined>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const resources = await this.messages.post(ctx, queue, body, contentLength(headers));
    const ids = resources.map((href) => href.slice(href.lastIndexOf('/') + 1));
    reply.header('Location', `${queuePath(ctx, queue)}/messages?ids=${ids.join(',')}`);
    return { resources };
  }

  @Action('messages:get_all')
  @ApiListMessages()
  @Get()
  list(
    @Ctx() ctx: RequestContext,
    @Param('queue') queue: string,
    @Query() query: QueryParams,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const ids = listParam(query, 'ids');
    if (ids) return this.messages.getByIds(ctx, queue, ids);
    const listing = {
      marker: stringParam(query, 'marker'),
      limit: intParam(query, 'limit'),
      echo: boolParam(query, 'echo'),
      includeClaimed: boolParam(query, 'include_claimed'),
      includeDelayed: boolParam(query, 'include_delayed'),
      wait: intParam(query, 'wait'),
    };
    return this.messages.list(ctx, queue, listing, listing.wait ? clientGone(reply) : undefined);
  }

  @Action('messages:delete_all')
  @ApiDeleteMessages()
  @Delete()
  async deleteMany(
    @Ctx() ctx: RequestContext,
    @Param('queue') queue: string,
    @Query() query: QueryParams,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const popped = await this.messages.deleteMany(ctx, queue, {
      ids: listParam(query, 'ids'),
      claimIds: listParam(query, 'claim_ids'),
      pop: intParam(query, 'pop'),
    });
    reply.status(popped ? 200 : 204);
    return popped;
  }

  @Action('messages:get')
  @ApiGetMessage()
  @Get(':message')
  get(@Ctx() ctx: RequestContext, @Param('queue') queue: string, @Param('message') id: string) {
    return this.messages.get(ctx, queue, id);
  }

  @Action('messages:delete')
  @ApiDeleteMessage()
  @Delete(':message')
  @HttpCode(204)
  async delete(
    @Ctx() ctx: RequestContext,
    @Param('queue') queue: string,
    @Param('message') id: string,
    @Query() query: QueryParams,
  ): Promise<void> {
    await this.messages.delete(ctx, queue, id, stringParam(query, 'claim_id'));
  }
}
