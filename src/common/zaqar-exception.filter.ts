import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Settings } from '../config/settings';
import { SETTINGS } from '../config/settings.module';
import {
  InvalidApiRequest,
  InvalidRequestBody,
  MethodNotAllowed,
  noSuchResource,
  PayloadTooLarge,
  UnsupportedMediaType,
  ZaqarError,
} from './errors';
import { IdentityGuard } from '../identity/identity.guard';
import { StorageErrorMetrics } from '../metrics/storage-error-metrics';
import { ROUTES } from './route-table';
import { failureDetail, unavailableFor } from './unforeseen-failure';

/**
 * Turns every failure into Zaqar's error body. Anything that is not a known error (a storage
 * outage, a bug) becomes a 503 as Zaqar answers, and is logged with its stack: never a 500.
 */
@Catch()
export class ZaqarExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly identity: IdentityGuard,
    private readonly storageErrors: StorageErrorMetrics,
  ) {}

  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const error = await this.toZaqarError(exception, request, reply);
    if (isOversized(exception)) keepOpenToDrain(request, reply);
    reply.status(error.status).headers(error.headers).send(error.toBody());
  }

  private async toZaqarError(exception: unknown, request: FastifyRequest, reply: FastifyReply): Promise<ZaqarError> {
    if (exception instanceof ZaqarError) return exception;
    const fastifyCode = (exception as { code?: string } | null)?.code;
    if (isOversized(exception)) return this.oversized(request);
    if (fastifyCode === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return new UnsupportedMediaType(`Content-Type ${request.headers['content-type']} is not supported.`);
    }
    if (exception instanceof HttpException && exception.getStatus() === 404) {
      const unauthenticated = await this.identity.authenticateUnrouted(request, reply).then(
        () => undefined,
        (error: unknown) => error,
      );
      if (unauthenticated) return this.toZaqarError(unauthenticated, request, reply);
      const path = request.url.split('?')[0];
      const allowed = ROUTES.allowed(path);
      if (allowed.length) return new MethodNotAllowed(request.method, allowed);
      return noSuchResource(path);
    }
    // the client closed the connection before its body ended: nobody hears the answer, and neither
    // the store nor the server failed
    if (request.raw.readableAborted)
      return new InvalidRequestBody('Request body could not be read: the connection closed first.');
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      const status = exception.getStatus();
      return new ZaqarError(status, `${status} ${httpReason(exception)}`, exception.message);
    }
    this.storageErrors.failed();
    this.logger.error(`${request.id} ${request.method} ${request.url} failed: ${failureDetail(exception)}`);
    return unavailableFor(exception);
  }

  /**
   * A body far over Zaqar's limits is cut off by Fastify before any handler runs; answer what
   * Zaqar answers for that route, which it decides from the Content-Length alone.
   */
  private oversized(request: FastifyRequest): ZaqarError {
    const limits = this.settings.limits;
    const path = request.url.split('?')[0].replace(/\/$/, '');
    if (request.method === 'POST' && path.endsWith('/messages')) {
      return new InvalidApiRequest(`Message collection size is too large. Max size ${limits.max_messages_post_size}`);
    }
    if (/^\/v2\/(queues|topics)\/[^/]+$/.test(path) && (request.method === 'PUT' || request.method === 'PATCH')) {
      const description = `Queue metadata is too large. Max size: ${limits.max_queue_metadata}`;
      return request.method === 'PUT' ? new InvalidApiRequest(description) : new InvalidRequestBody(description);
    }
    return new PayloadTooLarge(request.routeOptions?.bodyLimit ?? 0);
  }
}

/** Fastify's body limit reaches us as its own error or, through Nest's adapter, as a 413. */
function isOversized(exception: unknown): boolean {
  const code = (exception as { code?: string } | null)?.code;
  return code === 'FST_ERR_CTP_BODY_TOO_LARGE' || (exception instanceof HttpException && exception.getStatus() === 413);
}

/**
 * Fastify refuses a body over its limit from the Content-Length alone and asks for the connection
 * to close. Closed with the body still arriving, the socket resets, and a client still sending
 * (python-requests, fetch) may lose the answer to a broken pipe. When no byte of the body was
 * read, the connection can stay: Node discards the unread body after the response.
 */
function keepOpenToDrain(request: FastifyRequest, reply: FastifyReply): void {
  if (!request.raw.readableDidRead) reply.removeHeader('connection');
}

function httpReason(exception: HttpException): string {
  const response = exception.getResponse() as { error?: string } | string;
  return typeof response === 'object' && response.error ? response.error : exception.name;
}
