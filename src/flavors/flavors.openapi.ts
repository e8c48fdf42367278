import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { locationHeader } from '../openapi/location-header';
import { ApiFlag, ApiPaging } from '../openapi/query-params';
import { ApiReadOne, ApiRemoveOne } from '../openapi/resource-routes';
import { FlavorDto } from './dto/flavor.dto';
import { FlavorPageDto } from './dto/flavor-page.dto';
import { PatchFlavorDto } from './dto/patch-flavor.dto';
import { PutFlavorDto } from './dto/put-flavor.dto';

/** The OpenAPI description of each flavors route (admin, with pooling on), beside the controller. */

const ApiFlavorParam = () => ApiParam({ name: 'flavor', description: "The flavor's name." });

export const ApiListFlavors = () =>
  applyDecorators(
    ApiOperation({ summary: "List the project's flavors" }),
    ApiPaging('max_flavors_per_page'),
    ApiFlag('detailed', "Show each one's capabilities (false by default)."),
    ApiOkResponse({ type: FlavorPageDto }),
  );

export const ApiGetFlavor = () => ApiReadOne('Get a flavor', ApiFlavorParam(), FlavorDto);

export const ApiPutFlavor = () =>
  applyDecorators(
    ApiOperation({ summary: 'Create (or replace) a flavor', description: 'Its pools must be registered.' }),
    ApiFlavorParam(),
    ApiBody({ type: PutFlavorDto }),
    ApiCreatedResponse({ description: 'Created.', headers: locationHeader('The flavor.') }),
    ApiErrors(413),
  );

export const ApiPatchFlavor = () =>
  applyDecorators(
    ApiOperation({ summary: "Change a flavor's pools", description: 'Answers the flavor as changed.' }),
    ApiFlavorParam(),
    ApiBody({ type: PatchFlavorDto }),
    ApiOkResponse({ type: FlavorDto }),
    ApiErrors(404, 413),
  );

export const ApiDeleteFlavor = () => ApiRemoveOne('Delete a flavor', 'A missing one answers 204.', ApiFlavorParam());
