import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { intParam, Query as QueryParams, stringParam } from '../common/query';
import { Ctx, RequestContext } from '../common/request-context';
import { ApiScoped } from '../openapi/api-scoped.decorator';
import { ApiQueueParam } from '../openapi/path-params';
import { Action } from '../policy/action.decorator';
import { ApiListFailedDeliveries, ApiRedriveFailedDeliveries } from './failed-deliveries.openapi';
import { FailedDeliveriesService } from './failed-deliveries.service';

@ApiTags('Subscriptions')
@ApiScoped()
@ApiQueueParam()
@Controller([
  'v2/queues/:queue/subscriptions/:subscription/failed',
  'v2/topics/:queue/subscriptions/:subscription/failed',
])
export class FailedDeliveriesController {
  constructor(private readonly failed: FailedDeliveriesService) {}

  @Action('subscription:failed_get_all')
  @ApiListFailedDeliveries()
  @Get()
  list(
    @Ctx() ctx: RequestContext,
    @Param('queue') queue: string,
    @Param('subscription') id: string,
    @Query() query: QueryParams,
  ) {
    return this.failed.list(ctx, queue, id, { marker: stringParam(query, 'marker'), limit: intParam(query, 'limit') });
  }

  @Action('subscription:failed_redrive')
  @ApiRedriveFailedDeliveries()
  @Post()
  @HttpCode(200)
  redrive(@Ctx() ctx: RequestContext, @Param('queue') queue: string, @Param('subscription') id: string) {
    return this.failed.redrive(ctx, queue, id);
  }
}
