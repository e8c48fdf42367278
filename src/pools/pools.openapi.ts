import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { locationHeader } from '../openapi/location-header';
import { ApiFlag, ApiPaging } from '../openapi/query-params';
import { ApiReadOne, ApiRemoveOne } from '../openapi/resource-routes';
import { PatchPoolDto } from './dto/patch-pool.dto';
import { PoolDto } from './dto/pool.dto';
import { PoolPageDto } from './dto/pool-page.dto';
import { PutPoolDto } from './dto/put-pool.dto';

/** The OpenAPI description of each pools route (admin, with pooling on), beside the controller. */

const ApiPoolParam = () => ApiParam({ name: 'pool', description: "The pool's name." });
const ApiPoolDetailed = () => ApiFlag('detailed', 'Show driver options (false by default).');

export const ApiListPools = () =>
  applyDecorators(
    ApiOperation({ summary: 'List pools' }),
    ApiPaging('max_pools_per_page'),
    ApiPoolDetailed(),
    ApiOkResponse({ type: PoolPageDto }),
  );

export const ApiGetPool = () => applyDecorators(ApiReadOne('Get a pool', ApiPoolParam(), PoolDto), ApiPoolDetailed());

export const ApiPutPool = () =>
  applyDecorators(
    ApiOperation({ summary: 'Register (or replace) a pool', description: 'Its storage must answer.' }),
    ApiPoolParam(),
    ApiBody({ type: PutPoolDto }),
    ApiCreatedResponse({ description: 'Registered.', headers: locationHeader('The pool.') }),
    ApiErrors(409, 413),
  );

export const ApiPatchPool = () =>
  applyDecorators(
    ApiOperation({ summary: 'Change a pool', description: 'Answers the pool as changed.' }),
    ApiPoolParam(),
    ApiBody({ type: PatchPoolDto }),
    ApiOkResponse({ type: PoolDto }),
    ApiErrors(404, 409, 413),
  );

export const ApiDeletePool = () =>
  applyDecorators(
    ApiRemoveOne(
      'Delete a pool',
      'Refused (409) while it holds queues; one never registered answers 204.',
      ApiPoolParam(),
    ),
    ApiErrors(409),
  );
