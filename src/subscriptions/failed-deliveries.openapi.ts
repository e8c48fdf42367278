import { applyDecorators } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { ApiPaging } from '../openapi/query-params';
import { FailedDeliveryPageDto } from './dto/failed-delivery-page.dto';
import { RedrivenDto } from './dto/redriven.dto';
import { ApiSubscriptionParam } from './subscriptions.openapi';

/** The OpenAPI description of each failed-deliveries route (beyond Zaqar), beside its controller. */

export const ApiListFailedDeliveries = () =>
  applyDecorators(
    ApiOperation({ summary: "List a subscription's failed deliveries", description: 'Beyond Zaqar; oldest first.' }),
    ApiSubscriptionParam(),
    ApiPaging('max_subscriptions_per_page'),
    ApiOkResponse({ type: FailedDeliveryPageDto }),
    ApiErrors(404),
  );

export const ApiRedriveFailedDeliveries = () =>
  applyDecorators(
    ApiOperation({ summary: "Retry a subscription's failed deliveries", description: 'Beyond Zaqar.' }),
    ApiSubscriptionParam(),
    ApiOkResponse({ type: RedrivenDto }),
    ApiErrors(404),
  );
