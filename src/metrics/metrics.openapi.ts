import { applyDecorators } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors.decorator';

/** The OpenAPI description of GET /metrics: an admin or the scrape token, and no Client-ID. */
export const ApiMetrics = () =>
  applyDecorators(
    ApiTags('Metrics'),
    ApiOperation({
      summary: 'Prometheus metrics',
      description:
        "Prometheus's text format: requests, messages, notifications, storage errors, per-queue depth. " +
        'Policy action metrics:get (role:admin by default), or the METRICS_TOKEN bearer; see docs/metrics.md.',
    }),
    ApiSecurity({ 'metrics-token': [] }),
    ApiSecurity({ keystone: [] }),
    ApiSecurity({ project: [], roles: [] }),
    ApiOkResponse({ description: 'The metrics.', content: { 'text/plain': { schema: { type: 'string' } } } }),
    ApiErrors(401, 403, 503),
  );
