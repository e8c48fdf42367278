import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Put, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { boolParam, intParam, Query as QueryParams, stringParam } from '../common/query';
import { ApiScoped } from '../openapi/api-scoped.decorator';
import { Action } from '../policy/action.decorator';
import { ApiDeletePool, ApiGetPool, ApiListPools, ApiPatchPool, ApiPutPool } from './pools.openapi';
import { poolPath } from './pool-view';
import { PoolsService } from './pools.service';

@ApiTags('Pools')
@ApiScoped()
@Controller('v2/pools')
export class PoolsController {
  constructor(private readonly pools: PoolsService) {}

  @Action('pools:get_all')
  @ApiListPools()
  @Get()
  list(@Query() query: QueryParams) {
    return this.pools.list({
      marker: stringParam(query, 'marker'),
      limit: intParam(query, 'limit'),
      detailed: boolParam(query, 'detailed'),
    });
  }

  @Action('pools:get')
  @ApiGetPool()
  @Get(':pool')
  get(@Param('pool') name: string, @Query() query: QueryParams) {
    return this.pools.get(name, boolParam(query, 'detailed') ?? false);
  }

  @Action('pools:create')
  @ApiPutPool()
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
  @ApiPatchPool()
  @Patch(':pool')
  update(@Param('pool') name: string, @Body() body: unknown) {
    return this.pools.update(name, body);
  }

  @Action('pools:delete')
  @ApiDeletePool()
  @Delete(':pool')
  @HttpCode(204)
  async delete(@Param('pool') name: string): Promise<void> {
    await this.pools.delete(name);
  }
}
