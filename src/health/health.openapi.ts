import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiNoContentResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { HealthDto, OperationStatusDto } from './dto/health.dto';

/** The OpenAPI description of the health routes, beside the controller it describes. */

export const ApiPing = () =>
  applyDecorators(
    ApiOperation({ summary: 'Ping', description: 'Whether storage answers: 204, or 503. Needs no role.' }),
    ApiNoContentResponse({ description: 'Storage answers.' }),
  );

export const ApiHealth = () =>
  applyDecorators(
    ApiOperation({ summary: 'Detailed health', description: "Admin-only in Zaqar's default policy." }),
    ApiExtraModels(OperationStatusDto),
    ApiOkResponse({ type: HealthDto }),
  );
