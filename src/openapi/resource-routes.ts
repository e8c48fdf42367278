import { applyDecorators, type Type } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiErrors } from './api-errors.decorator';

/** The two route shapes every resource has: read one by its path parameter, and remove one. */

/** GET of one resource named by `param`: it, or 404. */
export function ApiReadOne(summary: string, param: MethodDecorator, type: Type<unknown>) {
  return applyDecorators(ApiOperation({ summary }), param, ApiOkResponse({ type }), ApiErrors(404));
}

/** DELETE of one resource named by `param`; `description` says what a missing one answers. */
export function ApiRemoveOne(summary: string, description: string, param: MethodDecorator) {
  return applyDecorators(
    ApiOperation({ summary, description }),
    param,
    ApiNoContentResponse({ description: 'Removed, or there was none.' }),
  );
}
