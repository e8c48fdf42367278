import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Put, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { boolParam, intParam, Query as QueryParams, stringParam } from '../common/query';
import { Ctx, RequestContext } from '../common/request-context';
import { ApiScoped } from '../openapi/api-scoped.decorator';
import { Action } from '../policy/action.decorator';
import { ApiDeleteFlavor, ApiGetFlavor, ApiListFlavors, ApiPatchFlavor, ApiPutFlavor } from './flavors.openapi';
import { flavorPath } from './flavor-view';
import { FlavorsService } from './flavors.service';

@ApiTags('Flavors')
@ApiScoped()
@Controller('v2/flavors')
export class FlavorsController {
  constructor(private readonly flavors: FlavorsService) {}

  @Action('flavors:get_all')
  @ApiListFlavors()
  @Get()
  list(@Ctx() ctx: RequestContext, @Query() query: QueryParams) {
    return this.flavors.list(ctx, {
      marker: stringParam(query, 'marker'),
      limit: intParam(query, 'limit'),
      detailed: boolParam(query, 'detailed'),
    });
  }

  @Action('flavors:get')
  @ApiGetFlavor()
  @Get(':flavor')
  get(@Ctx() ctx: RequestContext, @Param('flavor') name: string) {
    return this.flavors.get(ctx, name);
  }

  @Action('flavors:create')
  @ApiPutFlavor()
  @Put(':flavor')
  @HttpCode(201)
  async create(
    @Ctx() ctx: RequestContext,
    @Param('flavor') name: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    await this.flavors.put(ctx, name, body);
    // Falcon percent-encodes a Location; a flavor name may hold any character
    reply.header('Location', encodeURI(flavorPath(name)));
  }

  @Action('flavors:update')
  @ApiPatchFlavor()
  @Patch(':flavor')
  update(@Ctx() ctx: RequestContext, @Param('flavor') name: string, @Body() body: unknown) {
    return this.flavors.update(ctx, name, body);
  }

  @Action('flavors:delete')
  @ApiDeleteFlavor()
  @Delete(':flavor')
  @HttpCode(204)
  async delete(@Ctx() ctx: RequestContext, @Param('flavor') name: string): Promise<void> {
    await this.flavors.delete(ctx, name);
  }
}
