import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { OpenAPIObject, OperationObject, ResponseObject } from '@nestjs/swagger';
import { DOCS_PATH, DOCUMENT_PATH } from '../../src/openapi/openapi';
import { sqliteBackend, TestBackend } from '../support/backends';
import type { RouteInventory } from '../support/route-inventory';
import { startServer, StartedServer } from '../support/server';

const run = promisify(execFile);
const REPO = path.resolve(__dirname, '../..');

/**
 * The OpenAPI document: complete against the routes the server really registers, valid, and served
 * with Swagger UI to anyone, without changing how the API answers. The document does not depend on
 * the storage back end, so every server here runs on SQLite.
 */

/** What is served beside the API, with what lies below it: the document, Swagger UI, the operators' dashboard. */
const NOT_API = [DOCUMENT_PATH, DOCS_PATH, '/dashboard'];
const isApiRoute = (url: string) => !NOT_API.some((page) => url === page || url.startsWith(`${page}/`));

const ERROR_BODY = '#/components/schemas/ErrorBody';
const BODY_METHODS = ['post', 'put', 'patch'];

/** Reads a document on stdin and validates it; answers what it validated, or fails with the reason. */
const VALIDATE = `let input = '';
process.stdin.on('data', (chunk) => (input += chunk)).on('end', () =>
  require('@apidevtools/swagger-parser').validate(JSON.parse(input)).then(
    (api) => process.stdout.write(JSON.stringify({ openapi: api.openapi, servers: api.servers })),
    (error) => { process.stderr.write(error.message); process.exit(1); }));`;

/**
 * `document` as swagger-parser validates it (rejected when invalid). It runs in plain Node, which
 * can require the ES module it loads; Jest's module loader cannot.
 */
async function validateOpenApi(document: OpenAPIObject): Promise<Partial<OpenAPIObject>> {
  const validating = run(process.execPath, ['-e', VALIDATE], { cwd: REPO });
  validating.child.stdin!.end(JSON.stringify(document));
  return JSON.parse((await validating).stdout);
}

type Operations = Array<{ key: string; method: string; path: string; operation: OperationObject }>;

function operationsOf(document: OpenAPIObject): Operations {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'].includes(method))
      .map(([method, operation]) => ({
        key: `${method.toUpperCase()} ${path}`,
        method,
        path,
        operation: operation as OperationObject,
      })),
  );
}

/** Fastify's template (/v2/queues/:queue/, as registered) in OpenAPI's form (/v2/queues/{queue}). */
const openApiPath = (url: string) => url.replace(/:([^/]+)/g, '{$1}').replace(/(.)\/$/, '$1');

/** The handler an operation documents, by the operationId Nest gives it: Controller_method. */
const handlerOf = (operation: OperationObject) => operation.operationId!.split('.').pop()!;

/**
 * What the app registers and documents with every route on, taken by the compiled
 * route-inventory script: Jest's module loader cannot require the ES modules the app loads.
 */
async function inventoryWithEveryRoute(storageUrl: string): Promise<RouteInventory> {
  const script = path.join(REPO, 'dist/test/support/route-inventory.js');
  const env = { POOLING: 'on', ENABLE_DEPRECATED_API_VERSIONS: '1.1', WS_PORT: 'off', LOG_LEVEL: 'warn' };
  const { stdout } = await run(process.execPath, [script], {
    env: { ...process.env, ...env, STORAGE_URL: storageUrl },
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout);
}

describe('the OpenAPI document of a server with every route on (pooling, API v1.1)', () => {
  let backend: TestBackend;
  let inventory: RouteInventory;
  let document: OpenAPIObject;
  let operations: Operations;

  beforeAll(async () => {
    backend = await sqliteBackend();
    inventory = await inventoryWithEveryRoute(backend.url);
    document = inventory.document;
    operations = operationsOf(document);
  });

  afterAll(async () => {
    await backend?.drop();
  });

  it('documents every route the server registers, with each of its methods', () => {
    const served = inventory.routes
      .filter(({ url }) => isApiRoute(url))
      .flatMap(({ url, methods }) =>
        methods.filter((m) => m !== 'HEAD' && m !== 'OPTIONS').map((m) => `${m} ${openApiPath(url)}`),
      );
    expect(served.length).toBeGreaterThan(60);
    expect(operations.map((o) => o.key).sort()).toEqual([...new Set(served)].sort());
  });

  it('refers every refusal to the ErrorBody schema, and every route but GET / documents some', () => {
    for (const { key, operation } of operations) {
      const refusals = Object.entries(operation.responses).filter(([status]) => Number(status) >= 400);
      if (key !== 'GET /') expect([key, refusals.length > 0]).toEqual([key, true]);
      for (const [status, response] of refusals) {
        const schema = (response as ResponseObject).content?.['application/json']?.schema;
        expect([key, status, schema]).toEqual([key, status, { $ref: ERROR_BODY }]);
      }
    }
    expect(document.components!.schemas!.ErrorBody).toMatchObject({
      properties: { title: { type: 'string' }, description: { type: 'string' } },
      required: ['title', 'description'],
    });
  });

  it('gives a request body to exactly the POST, PUT and PATCH routes whose handlers read one', () => {
    const readers = new Set(inventory.bodyReaders);
    for (const { key, operation } of operations.filter((o) => BODY_METHODS.includes(o.method))) {
      expect([key, Boolean(operation.requestBody)]).toEqual([key, readers.has(handlerOf(operation))]);
    }
    expect(readers.size).toBeGreaterThan(10);
  });

  it('asks for credentials on every route but GET /, and a Client-ID on all but that and GET /metrics', () => {
    for (const { key, operation } of operations) {
      const clientId = operation.parameters?.some((p) => 'name' in p && p.name === 'Client-ID' && p.required);
      const scoped = key !== 'GET /';
      const needsClient = scoped && key !== 'GET /metrics';
      expect([key, Boolean(operation.security?.length), Boolean(clientId)]).toEqual([key, scoped, needsClient]);
    }
    expect(document.paths['/metrics'].get!.security).toContainEqual({ 'metrics-token': [] });
  });

  it("lists the message listing's query parameters", () => {
    const list = document.paths['/v2/queues/{queue}/messages'].get!;
    const query = list.parameters!.filter((p) => 'in' in p && p.in === 'query').map((p) => ('name' in p ? p.name : ''));
    expect(query.sort()).toEqual(['echo', 'ids', 'include_claimed', 'include_delayed', 'limit', 'marker', 'wait']);
  });
});

describe('the OpenAPI document and Swagger UI, served', () => {
  const backends: TestBackend[] = [];
  /** noauth, API v1.1 off, pooling off: as started by default. */
  let plain: StartedServer;
  let withV1_1: StartedServer;
  /** Keystone auth, its Keystone unreachable: a request without a token never gets that far. */
  let keystone: StartedServer;

  const start = async (env: Record<string, string>) => {
    const backend = await sqliteBackend();
    backends.push(backend);
    return startServer({ storageUrl: backend.url, env });
  };

  beforeAll(async () => {
    [plain, withV1_1, keystone] = await Promise.all([
      start({}),
      start({ ENABLE_DEPRECATED_API_VERSIONS: '1.1' }),
      start({
        AUTH_STRATEGY: 'keystone',
        KEYSTONE_AUTH_URL: 'http://127.0.0.1:9/v3',
        KEYSTONE_USERNAME: 'zaqar',
        KEYSTONE_PASSWORD: 'unused',
        KEYSTONE_PROJECT_NAME: 'service',
      }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([plain, withV1_1, keystone].map((server) => server?.kill()));
    await Promise.all(backends.map((backend) => backend.drop()));
  });

  const documentOf = async (server: StartedServer): Promise<OpenAPIObject> =>
    (await fetch(server.url + DOCUMENT_PATH)).json() as Promise<OpenAPIObject>;

  it('is a valid OpenAPI 3 document, with or without v1.1', async () => {
    for (const server of [plain, withV1_1]) {
      const validated = await validateOpenApi(await documentOf(server));
      expect(validated).toMatchObject({ openapi: expect.stringMatching(/^3\./), servers: [{ url: '/' }] });
    }
  });

  it('leaves v1.1 out unless it is enabled, and documents both v2 queues and topics', async () => {
    const v1_1Paths = (document: OpenAPIObject) => Object.keys(document.paths).filter((p) => p.startsWith('/v1.1'));
    const byDefault = await documentOf(plain);
    expect(v1_1Paths(byDefault)).toEqual([]);
    expect(Object.keys(byDefault.paths)).toEqual(
      expect.arrayContaining(['/v2/queues/{queue}/messages', '/v2/topics/{queue}/messages']),
    );
    expect(v1_1Paths(await documentOf(withV1_1))).toEqual(
      expect.arrayContaining(['/v1.1', '/v1.1/queues', '/v1.1/queues/{queue}/messages', '/v1.1/queues/{queue}/claims']),
    );
  });

  it('serves both without credentials under Keystone auth, while the API still answers 401', async () => {
    const document = await fetch(keystone.url + DOCUMENT_PATH);
    expect([document.status, document.headers.get('content-type')]).toEqual([200, 'application/json; charset=utf-8']);
    const ui = await fetch(keystone.url + DOCS_PATH);
    expect([ui.status, ui.headers.get('content-type')]).toEqual([200, 'text/html']);
    const scripts = [...(await ui.text()).matchAll(/<script src="([^"]+)"/g)].map((match) => match[1]);
    expect(scripts.length).toBeGreaterThanOrEqual(2);
    for (const script of scripts) {
      const asset = await fetch(new URL(script, keystone.url + DOCS_PATH));
      expect([script, asset.status, asset.headers.get('content-type')]).toEqual([
        script,
        200,
        expect.stringMatching(/^application\/javascript/),
      ]);
    }
    for (const path of ['/v2/queues', '/v2/nothing', `${DOCS_PATH}/nothing.js`]) {
      expect([path, (await fetch(keystone.url + path)).status]).toEqual([path, 401]);
    }
  });

  it('answers another method on the document as on any other path: 405 naming GET, or 401 without a token', async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const res = await fetch(plain.url + DOCUMENT_PATH, { method });
      expect([method, res.status, res.headers.get('allow'), await res.json()]).toEqual([
        method,
        405,
        'GET, HEAD',
        { title: '405 Method Not Allowed', description: `The method ${method} is not allowed on this resource.` },
      ]);
    }
    const unauthenticated = await fetch(keystone.url + DOCUMENT_PATH, { method: 'POST' });
    expect(unauthenticated.status).toBe(401);
  });
});
