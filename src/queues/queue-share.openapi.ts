import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { ApiQueueParam } from '../openapi/path-params';
import { ShareQueueDto } from './dto/share-queue.dto';
import { SignedUrlDto } from './dto/signed-url.dto';

/** The OpenAPI description of the share route, beside the controller it describes. */
export const ApiShareQueue = () =>
  applyDecorators(
    ApiOperation({
      summary: 'Pre-sign URLs for a queue',
      description: "Needs [signed_url] secret_key set (503 without). The holder sends the answer's fields as headers.",
    }),
    ApiQueueParam(),
    ApiBody({ type: ShareQueueDto }),
    ApiOkResponse({ type: SignedUrlDto }),
    ApiErrors(413),
  );
