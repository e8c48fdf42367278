import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { OperationObject, PathItemObject } from '@nestjs/swagger';
import { isV1_1Route } from '../common/queue-space';
import type { Settings } from '../config/settings';
import { SECURITY_SCHEMES } from './credentials';

const DESCRIPTION =
  'OpenStack Zaqar API v2 (and v1.1 when ENABLE_DEPRECATED_API_VERSIONS=1.1), generated from the ' +
  "server's routes. Every request but GET / needs a Client-ID and credentials (see Authorize). " +
  'Every refusal answers `{"title", "description"}` (ErrorBody); a method a path does not serve ' +
  'answers 405 with an Allow header. Limits named here are zaqar.conf options, at their defaults.';

/** The OpenAPI document of the routes this server serves, from the controllers' decorators. */
export function buildOpenApiDocument(app: INestApplication, settings: Settings): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Zaqar messaging API')
    .setDescription(DESCRIPTION)
    .setVersion('2')
    .addServer('/');
  for (const [name, scheme] of Object.entries(SECURITY_SCHEMES)) config.addSecurity(name, scheme);
  const generated = SwaggerModule.createDocument(app, config.build(), {
    operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}`,
  });
  const document = servedOnly(generated, settings);
  for (const [path, item] of Object.entries(document.paths)) operationsOf(item).forEach((o) => nameBySpace(o, path));
  return document;
}

/**
 * Leaves v1.1's paths out unless it is on, by the rule ROUTES records routes with: its routes are
 * registered either way (a guard answers 404), and the rule holds before the routes are.
 */
function servedOnly(document: OpenAPIObject, settings: Settings): OpenAPIObject {
  const paths = Object.entries(document.paths).filter(([path]) => settings.apiV1_1 || !isV1_1Route(path));
  return { ...document, paths: Object.fromEntries(paths) };
}

function operationsOf(item: PathItemObject): OperationObject[] {
  return Object.values(item).filter((value): value is OperationObject => Boolean(value?.operationId));
}

/** One handler serves queues, topics and v1.1 (Nest names them list[0], list[1]…): name each by its space. */
function nameBySpace(operation: OperationObject, path: string): void {
  const space = path.startsWith('/v2/topics') ? 'topics.' : isV1_1Route(path) ? 'v1.1.' : '';
  operation.operationId = space + operation.operationId!.replace(/\[\d+\]$/, '');
}
