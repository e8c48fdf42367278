import { applyDecorators } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { ApiScoped } from '../openapi/api-scoped.decorator';
import { VersionsDto } from './dto/versions.dto';

/** The OpenAPI description of the versions and home documents, beside the controller. */

export const ApiVersions = () =>
  applyDecorators(
    ApiOperation({ summary: 'API versions', description: 'Needs no credentials, no Client-ID.' }),
    ApiResponse({ status: 300, description: 'Multiple Choices, as Zaqar answers.', type: VersionsDto }),
  );

/** A version's JSON Home document; only its success is application/json-home, its refusals are JSON. */
export const ApiHomeDocument = (version: string) =>
  applyDecorators(
    ApiOperation({ summary: `API ${version} home document` }),
    ApiScoped(),
    ApiResponse({
      status: 200,
      description: 'Its resources and the methods each allows.',
      content: { 'application/json-home': { schema: { type: 'object' } } },
    }),
  );
