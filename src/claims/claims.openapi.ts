import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOperation, ApiParam, ApiQuery } from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { locationHeader } from '../openapi/location-header';
import { ApiWait } from '../openapi/query-params';
import { ApiReadOne, ApiRemoveOne } from '../openapi/resource-routes';
import { ClaimDto } from './dto/claim.dto';
import { ClaimTermsDto } from './dto/claim-terms.dto';
import { ClaimedMessagesDto } from './dto/claimed-messages.dto';

/** The OpenAPI description of each claims route, beside the controller it describes. */

const ApiClaimParam = () => ApiParam({ name: 'claim', description: "The claim's id." });

export const ApiCreateClaim = () =>
  applyDecorators(
    ApiOperation({
      summary: 'Claim messages',
      description: 'Hides free messages from other claims until the claim expires; best effort, may claim fewer.',
    }),
    ApiQuery({
      name: 'limit',
      required: false,
      schema: { type: 'integer', minimum: 1 },
      description: 'How many to claim: 10 unless given, at most max_messages_per_claim_or_pop (20).',
    }),
    ApiWait('no message is free'),
    ApiBody({ type: ClaimTermsDto, required: false }),
    ApiCreatedResponse({ type: ClaimedMessagesDto, headers: locationHeader('The new claim.') }),
    ApiNoContentResponse({ description: 'No message was free to claim.' }),
    ApiErrors(413),
  );

export const ApiGetClaim = () => ApiReadOne('Get a claim', ApiClaimParam(), ClaimDto);

export const ApiRenewClaim = () =>
  applyDecorators(
    ApiOperation({ summary: 'Renew a claim', description: 'Its age starts again from now, with the new terms.' }),
    ApiClaimParam(),
    ApiBody({ type: ClaimTermsDto }),
    ApiNoContentResponse({ description: 'Renewed.' }),
    ApiErrors(404, 413),
  );

export const ApiReleaseClaim = () =>
  ApiRemoveOne('Release a claim', 'Its messages are free again; a missing claim answers 204.', ApiClaimParam());
