import 'reflect-metadata';
import cluster from 'node:cluster';
import { maxHeaderSize } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { answerClientError, answerFrameworkError } from './common/http-refusals';
import { httpServerFactory } from './common/http-server';
import { parseJsonBody } from './common/request-body';
import { isV1_1Route } from './common/queue-space';
import { ROUTES } from './common/route-table';
import { createServerLog } from './logging/logger';
import { logRequests, newRequestId } from './logging/request-log';
import { maxRequestBytes } from './config/limits';
import { exposureWarnings } from './config/exposure-warnings';
import { loadSettings, Settings } from './config/settings';
import { setupOpenApi } from './openapi/openapi';
import { aggregateWorkerMetrics } from './metrics/cluster-metrics';
import { RequestMetrics } from './metrics/request-metrics';
import { countRequests } from './metrics/request-metrics.hook';
import { missingV8Flags } from './process/v8-flags';
import { superviseWorkers } from './process/worker-processes';
import { ZaqarIoAdapter } from './socketio/zaqar-io.adapter';

export async function createApp(settings: Settings): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    serverFactory: httpServerFactory(settings.connections),
    bodyLimit: maxRequestBytes(settings.limits),
    // a parameter as long as the request line can be, so names too long get Zaqar's answer, not a 414
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: maxHeaderSize },
    genReqId: newRequestId,
    requestIdHeader: false,
    clientErrorHandler: answerClientError,
    frameworkErrors: answerFrameworkError,
  });
  const log = createServerLog(settings.log);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(settings, log.logger), adapter, {
    bufferLogs: true,
    bodyParser: false, // ours below reads every body
  });
  app.useLogger(app.get(Logger));
  const fastify = app.getHttpAdapter().getInstance();
  logRequests(fastify, log, settings.log.requestsPerSecond);
  fastify.addHook('onRoute', (route) => {
    if (settings.apiV1_1 || !isV1_1Route(route.url)) ROUTES.add(route.url, route.method);
  });
  if (settings.metrics.enabled) countRequests(fastify, app.get(RequestMetrics));
  // Every body is read as JSON whatever its Content-Type says (as Zaqar does); handlers decide
  // whether a missing or malformed body matters, after the header checks Zaqar makes first.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) =>
    done(null, parseJsonBody(body as Buffer)),
  );
  app.useWebSocketAdapter(new ZaqarIoAdapter(app, settings.limits, settings.connections.socketPingIntervalMs));
  setupOpenApi(app, settings);
  app.enableShutdownHooks();
  return app;
}

/** How long a stop may take to drain before the process exits anyway (gunicorn's graceful timeout). */
const SHUTDOWN_GRACE_MS = 10_000;

async function serve(settings: Settings): Promise<void> {
  const app = await createApp(settings);
  await app.listen(settings.port, settings.host);
  // Closing waits for every open connection to finish. A connection the HTTP server never counts
  // as idle (seen in a cluster worker after its sibling was killed) would keep a stopped server
  // alive for good; a stop must end.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        console.error(`shutdown did not finish within ${SHUTDOWN_GRACE_MS} ms; exiting`);
        process.exit(1);
      }, SHUTDOWN_GRACE_MS).unref();
    });
  }
}

function bootstrap(): Promise<void> {
  const settings = loadSettings();
  const missing = missingV8Flags();
  if (missing.length > 0 && cluster.isPrimary) {
    console.warn(`started without ${missing.join(' ')}: expect longer pauses under load (README, "Memory")`);
  }
  if (cluster.isPrimary) for (const warning of exposureWarnings(settings)) console.warn(warning);
  if (settings.workers > 1 && cluster.isPrimary) {
    superviseWorkers(settings.workers, settings.port);
    if (settings.metrics.enabled) aggregateWorkerMetrics();
    return Promise.resolve();
  }
  return serve(settings);
}

if (require.main === module) {
  bootstrap().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
