import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  MethodNotAllowed,
  NotFound,
  PayloadTooLarge,
  ServiceUnavailable,
  UnsupportedMediaType,
  ZaqarError,
} from './errors';
import { ROUTES } from './route-table';

/**
 * Turns every failure into Zaqar's error body. Anything that is not a known error (a storage
 * outage, a bug) becomes a 503 as Zaqar answers, and is logged with its stack: never a 500.
 */
@Catch()
export class ZaqarExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const error = this.toZaqarError(exception, request);
    reply.status(error.status).headers(error.headers).send(error.toBody());
  }

  toZaqarError(exception: unknown, request: FastifyRequest): ZaqarError {
    if (exception instanceof ZaqarError) return exception;
    const fastifyCode = (exception as { code?: string } | null)?.code;
    if (fastifyCode === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return new PayloadTooLarge(request.routeOptions?.bodyLimit ?? 0);
    }
    if (fastifyCode === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return new UnsupportedMediaType(`Content-Type ${request.headers['content-type']} is not supported.`);
    }
    if (exception instanceof HttpException && exception.getStatus() === 404) {
      const path = request.url.split('?')[0];
      const allowed = ROUTES.allowed(path);
      if (allowed.length) return new MethodNotAllowed(request.method, allowed);
      return new NotFound(`The resource ${path} does not exist.`);
    }
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      const status = exception.getStatus();
      return new ZaqarError(status, `${status} ${httpReason(exception)}`, exception.message);
    }
    this.logger.error(`${request.method} ${request.url} failed`, (exception as Error)?.stack ?? String(exception));
    return new ServiceUnavailable('The request could not be completed.');
  }
}

function httpReason(exception: HttpException): string {
  const response = exception.getResponse() as { error?: string } | string;
  return typeof response === 'object' && response.error ? response.error : exception.name;
}
