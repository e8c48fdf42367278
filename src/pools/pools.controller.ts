import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Put, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { boolParam, intParam, Query as QueryParams, stringParam } from '../common/query';
import { Action } from '../policy/action.decorator';
import { poolPath } from './pool-view';
import { PoolsService } from './pools.service';

@Controller('v2/pools')
export class PoolsController {
  constructor(private readonly pools: PoolsService) {}

  @Action('pools:get_all')
  @Get()
  list(@Query() query: QueryParams) {
    return this.pools.list({
      marker: stringParam(query, 'marker'),
      limit: intParam(query, 'limit'),
      detailed: boolParam(query, 'detailed'),
    });
  }

  @Action('pools:get')
  @Get(':pool')
  get(@Param('pool') name: string, @Query() query: QueryParams) {
    return this.pools.get(name, boolParam(query, 'detailed') ?? false);
  }

  @Action('pools:create')
  @Put(':pool')
  @HttpCode(201)
  async create(
    @Param('pool') name: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    await this.pools.put(name, body);
    // Falcon percent-encodes a Location; a pool name may hold any character
    reply.header('Location', encodeURI(poolPath(name)));
  }

  @Action('pools:update')
  @Patch(':pool')
  update(@Param('pool') name: string, @Body() body: unknown) {
    return this.pools.update(name, body);
  }

  @Action('pools:delete')
  @Delete(':pool')
  @HttpCode(204)
  async delete(@Param('pool') name: string): Promise<void> {
    await this.pools.delete(name);
  }
}
