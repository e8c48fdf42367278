import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { Settings } from '../config/settings';
import { buildOpenApiDocument } from './openapi-document';

/** Where the document and Swagger UI are served; neither needs credentials. */
export const DOCUMENT_PATH = '/openapi.json';
export const DOCS_PATH = '/docs';

/**
 * Serves the OpenAPI document and Swagger UI beside the API, as plain Fastify routes: the API's
 * guards never see them. The document is built on its first request, when every route is known.
 */
export function setupOpenApi(app: NestFastifyApplication, settings: Settings): void {
  SwaggerModule.setup(DOCS_PATH, app, () => buildOpenApiDocument(app, settings), {
    jsonDocumentUrl: DOCUMENT_PATH,
    raw: ['json'],
  });
}
