import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { clientGone } from '../common/client-gone';
import { intParam, Query as QueryParams } from '../common/query';
import { contentLength } from '../common/request-body';
import { Ctx, RequestContext } from '../common/request-context';
import { ApiScoped } from '../openapi/api-scoped.decorator';
import { ApiQueueParam } from '../openapi/path-params';
import { Action } from '../policy/action.decorator';
import { ApiCreateClaim, ApiGetClaim, ApiReleaseClaim, ApiRenewClaim } from './claims.openapi';
import { ClaimsService } from './claims.service';

@ApiTags('Claims')
@ApiScoped()
@ApiQueueParam()
@Controller(['v2/queues/:queue/claims', 'v1.1/queues/:queue/claims'])
export class ClaimsController {
  constructor(private readonly claims: ClaimsService) {}

  @Action('claims:create')
  @ApiCreateClaim()
  @Post()
  async create(
    @Ctx() ctx: RequestContext,
    @Param('queue') queue: string,
    @Body() body: unknown,
    @Query() query: QueryParams,
    @Headers() headers: Record<string, string | undefined>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const terms = { limit: intParam(query, 'limit'), wait: intParam(query, 'wait') };
    const abort = terms.wait ? clientGone(reply) : undefined;
    const claim = await this.claims.create(ctx, queue, body, contentLength(headers), terms, abort);
    if (!claim) {
      reply.status(204); // Zaqar answers 204, not 200, when nothing could be claimed
      return undefined;
    }
    reply.status(201).header('Location', claim.location);
    return { messages: claim.messages };
  }

  @Action('claims:get')
  @ApiGetClaim()
  @Get(':claim')
  get(@Ctx() ctx: RequestContext, @Param('queue') queue: string, @Param('claim') claimId: string) {
    return this.claims.get(ctx, queue, claimId);
  }

  @Action('claims:update')
  @ApiRenewClaim()
  @Patch(':claim')
  @HttpCode(204)
  async renew(
    @Ctx() ctx: RequestContext,
    @Param('queue') queue: string,
    @Param('claim') claimId: string,
    @Body() body: unknown,
    @Headers() headers: Record<string, string | undefined>,
  ) {
    await this.claims.renew(ctx, queue, claimId, body, contentLength(headers));
  }

  @Action('claims:delete')
  @ApiReleaseClaim()
  @Delete(':claim')
  @HttpCode(204)
  async release(@Ctx() ctx: RequestContext, @Param('queue') queue: string, @Param('claim') claimId: string) {
    await this.claims.release(ctx, queue, claimId);
  }
}
