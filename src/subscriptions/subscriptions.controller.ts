import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { intParam, Query as QueryParams, stringParam } from '../common/query';
import { contentLength } from '../common/request-body';
import { Ctx, RequestContext } from '../common/request-context';
import { ApiScoped } from '../openapi/api-scoped.decorator';
import { ApiQueueParam } from '../openapi/path-params';
import { Action } from '../policy/action.decorator';
import {
  ApiConfirmSubscription,
  ApiCreateSubscription,
  ApiDeleteSubscription,
  ApiGetSubscription,
  ApiListSubscriptions,
  ApiUpdateSubscription,
} from './subscriptions.openapi';
import { subscriptionsPath } from './subscription-paths';
import { SubscriptionsService } from './subscriptions.service';

type RequestHeaders = Record<string, string | undefined>;

@ApiTags('Subscriptions')
@ApiScoped()
@ApiQueueParam()
@Controller(['v2/queues/:queue/subscriptions', 'v2/topics/:queue/subscriptions'])
export class SubscriptionsController {
  constructor(private readonly subscriptions: SubscriptionsService) {}

  @Action('subscription:create')
  @ApiCreateSubscription()
  @Post()
  @HttpCode(201)
  async create(
    @Ctx() ctx: RequestContext,
    @Param('queue') queue: string,
    @Body() body: unknown,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { id, secret } = await this.subscriptions.create(ctx, queue, body, contentLength(headers));
    reply.header('Location', subscriptionsPath(ctx, queue));
    // Beyond Zaqar: the webhook signing key, shown this once.
    return secret ? { subscription_id: id, signing_secret: secret } : { subscription_id: id };
  }

  @Action('subscription:get_all')
  @ApiListSubscriptions()
  @Get()
  list(@Ctx() ctx: RequestContext, @Param('queue') queue: string, @Query() query: QueryParams) {
    return this.subscriptions.list(ctx, queue, {
      marker: stringParam(query, 'marker'),
      limit: intParam(query, 'limit'),
    });
  }

  @Action('subscription:get')
  @ApiGetSubscription()
  @Get(':subscription')
  get(@Ctx() ctx: RequestContext, @Param('queue') queue: string, @Param('subscription') id: string) {
    return this.subscriptions.get(ctx, queue, id);
  }

  @Action('subscription:update')
  @ApiUpdateSubscription()
  @Patch(':subscription')
  @HttpCode(204)
  async update(
    @Ctx() ctx: RequestContext,
    @Param('queue') queue: string,
    @Param('subscription') id: string,
    @Body() body: unknown,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    await this.subscriptions.update(ctx, queue, id, body, contentLength(headers));
    reply.header('Location', `${subscriptionsPath(ctx, queue)}/${id}`);
  }

  @Action('subscription:delete')
  @ApiDeleteSubscription()
  @Delete(':subscription')
  @HttpCode(204)
  async delete(@Ctx() ctx: RequestContext, @Param('queue') queue: string, @Param('subscription') id: string) {
    await this.subscriptions.delete(ctx, queue, id);
  }

  @Action('subscription:confirm')
  @ApiConfirmSubscription()
  @Put(':subscription/confirm')
  @HttpCode(204)
  async confirm(
    @Ctx() ctx: RequestContext,
    @Param('queue') queue: string,
    @Param('subscription') id: string,
    @Body() body: unknown,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    await this.subscriptions.confirm(ctx, queue, id, body, contentLength(headers));
    reply.header('Location', `${subscriptionsPath(ctx, queue)}/${id}/confirm`);
  }
}
