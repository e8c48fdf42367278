import { applyDecorators } from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
} from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { locationHeader } from '../openapi/location-header';
import { ApiPaging } from '../openapi/query-params';
import { ApiReadOne, ApiRemoveOne } from '../openapi/resource-routes';
import { ConfirmSubscriptionDto } from './dto/confirm-subscription.dto';
import { CreateSubscriptionDto } from './dto/create-subscription.dto';
import { CreatedSubscriptionDto } from './dto/created-subscription.dto';
import { SubscriptionPageDto } from './dto/subscription-page.dto';
import { SubscriptionViewDto } from './dto/subscription-view.dto';
import { UpdateSubscriptionDto } from './dto/update-subscription.dto';

/** The OpenAPI description of each subscriptions route, beside the controller it describes. */

export const ApiSubscriptionParam = () => ApiParam({ name: 'subscription', description: "The subscription's id." });

export const ApiCreateSubscription = () =>
  applyDecorators(
    ApiOperation({
      summary: 'Subscribe to a queue (or topic)',
      description:
        'Sends the subscriber a confirmation request when confirmation is required. The same subscriber ' +
        'again answers the existing subscription until it is confirmed, then 409.',
    }),
    ApiBody({ type: CreateSubscriptionDto }),
    ApiCreatedResponse({ type: CreatedSubscriptionDto, headers: locationHeader('The subscriptions.') }),
    ApiErrors(409, 413),
  );

export const ApiListSubscriptions = () =>
  applyDecorators(
    ApiOperation({ summary: "List a queue's (or topic's) subscriptions" }),
    ApiPaging('max_subscriptions_per_page'),
    ApiOkResponse({ type: SubscriptionPageDto }),
  );

export const ApiGetSubscription = () => ApiReadOne('Get a subscription', ApiSubscriptionParam(), SubscriptionViewDto);

export const ApiUpdateSubscription = () =>
  applyDecorators(
    ApiOperation({ summary: 'Change a subscription', description: 'A new ttl counts from now.' }),
    ApiSubscriptionParam(),
    ApiBody({ type: UpdateSubscriptionDto }),
    ApiNoContentResponse({ description: 'Changed.', headers: locationHeader('The subscription.') }),
    ApiErrors(404, 409, 413),
  );

export const ApiDeleteSubscription = () =>
  ApiRemoveOne('Delete a subscription', 'A missing one answers 204.', ApiSubscriptionParam());

export const ApiConfirmSubscription = () =>
  applyDecorators(
    ApiOperation({
      summary: 'Confirm (or refuse) a subscription',
      description: 'What the confirmation request sent to the subscriber points at.',
    }),
    ApiSubscriptionParam(),
    ApiBody({ type: ConfirmSubscriptionDto }),
    ApiNoContentResponse({ description: 'Recorded.', headers: locationHeader('The confirmation.') }),
    ApiErrors(404, 413),
  );
