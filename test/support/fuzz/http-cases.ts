import fc from 'fast-check';
import type { OpenAPIObject } from '@nestjs/swagger';
import {
  fieldValues,
  type FuzzSetting,
  ID_KINDS,
  knownFlavor,
  knownPool,
  NO_SUCH_ID,
  queueName,
  target,
} from './field-values';
import { deepJson, hostileJson, hostileText, hugeJson } from './hostile';
import { type FuzzJson, objectOf, Pick } from './json-text';
import { type ItemKind, nth, type Space } from './known';
import { mostlyValid, oneIn, type Schema, validValue, type ValueContext } from './schema-values';

/** The two servers of a run: one without pooling, and one with it for the pool and flavor routes. */
export type ServerName = 'plain' | 'pooled';

/** One documented route and method, as the server's OpenAPI document describes it. */
export interface Operation {
  /** "GET /v2/queues/{queue}", the document's own words. */
  key: string;
  method: string;
  template: string;
  query: Array<{ name: string; type: string }>;
  body?: { mediaType: string; schema: Schema };
  server: ServerName;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/** Every operation `document` lists, to be sent to `server`. */
export function operationsOf(document: OpenAPIObject, server: ServerName): Operation[] {
  return Object.entries(document.paths).flatMap(([template, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, operation]: [string, any]) => {
        const parameters: any[] = operation.parameters ?? [];
        const content = operation.requestBody?.content ?? {};
        const mediaType = Object.keys(content)[0];
        return {
          key: `${method.toUpperCase()} ${template}`,
          method: method.toUpperCase(),
          template,
          query: parameters
            .filter((p) => p.in === 'query')
            .map((p) => ({ name: p.name, type: p.schema?.type ?? 'string' })),
          body: mediaType ? { mediaType, schema: content[mediaType].schema ?? {} } : undefined,
          server,
        };
      }),
  );
}

/** How a path segment or query value is written: as a client should, or not. */
export type Encoding = 'component' | 'verbatim' | 'bad-percent' | 'raw-bytes';

export interface Written {
  value: FuzzJson;
  encoding: Encoding;
  /** The malformed escape a 'bad-percent' value carries. */
  escape?: string;
}

/** How the request travels: fetch when it can carry it, else a raw socket, framed well or not. */
export type Framing = 'plain' | 'cut-short' | 'chunked' | 'bad-chunked' | 'bad-length' | 'http1.0' | 'garbage';

/** A body as sent: JSON (maybe damaged on the way), or bytes as given. */
export type HttpBody = { json: FuzzJson; damage: Damage } | { text: string } | { bytes: number[] };

export type Damage = 'none' | 'truncate' | 'invalid-utf8' | 'bom' | 'trailing-garbage' | 'duplicate-key';

export interface HttpCase {
  operation: string;
  server: ServerName;
  method: string;
  /** The template's segments: text as it stands, parameters as written. */
  segments: Array<string | Written>;
  /** Appended to the path: '', '/', '//', '/extra', ... */
  suffix: string;
  query: Array<[string, Written]>;
  headers: Array<[string, FuzzJson]>;
  body?: HttpBody;
  framing: Framing;
  /** For the bad-length framing: what the Content-Length says; for garbage: the request head. */
  framingDetail?: string;
}

const MALFORMED_ESCAPES = [
  '%',
  '%z',
  '%zz',
  '%G1',
  '%FF%FE',
  '%C0%AF',
  '%E0%A4',
  '%ED%A0%80',
  '%00',
  '%2F',
  '%2e%2e',
  '%%',
];
const PATH_SUFFIXES = ['', '', '', '', '', '', '/', '//', '/extra', '/..', '/%2e%2e', '/.', '?', '??', '#frag'];
const ODD_METHODS = [
  'FOO',
  'PROPFIND',
  'PURGE',
  'M-SEARCH',
  'QUERY',
  'TRACE',
  'CONNECT',
  'get',
  'Post',
  'G E T',
  'GET\u0000',
  'X'.repeat(300),
];
const OTHER_METHODS = ['GET', 'PUT', 'POST', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
const MEDIA_TYPES = [
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=zz',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/json;;',
  'application/openstack-messaging-v2.0-json-patch',
  'application/openstack-messaging-v2.0-json-patch; charset=utf-8',
  'application/json',
  '*/*',
  'application/*',
  '',
  'garbage',
  'application/json, text/html',
];
const ACCEPTS = [
  'application/json',
  'text/html',
  'application/xml',
  '*/*',
  'application/json;q=0',
  'garbage',
  '',
  'text/*',
];
const ROLES = ['admin', 'ADMIN', 'admin,member', 'member', '', ' admin ', 'admin,,', 'reader'];
const GARBAGE_HEADS = [
  '\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u01fc\u0003\u0003',
  'GET\r\n\r\n',
  ' GET /v2 HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET /v2 HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n',
  'GET /v2 HTTP/1.1\r\nHost: x\r\nX-Fold: a\r\n  folded\r\n\r\n',
  'GET /v2 HTTP/2.0\r\nHost: x\r\n\r\n',
  'GET /v2 HTTP/9.9\r\nHost: x\r\n\r\n',
  'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n',
  'OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET http://127.0.0.1/v2/ping HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET /v2/ping HTTP/1.1\nHost: x\n\n',
  'GET /v2/ping HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n',
  'GET /v2/ping HTTP/1.1\r\nHost: x\r\n: empty-name\r\n\r\n',
  'GET /v2/ping HTTP/1.1\r\nHost: x\r\nX-\u0000: nul\r\n\r\n',
  'GET /v2/ping?a=\u0000 HTTP/1.1\r\nHost: x\r\n\r\n',
  '\r\n\r\n\r\n',
  'GET /v2/ping HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
  'GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: bad\r\n\r\n',
  'GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET /socket.io/?EIO=99&transport=websocket HTTP/1.1\r\nHost: x\r\n\r\n',
];
const BAD_LENGTHS = ['-1', 'abc', '1, 2', '99999999999999999999', '0x10', ' 5', 'both', 'two', 'short', 'te-and-cl'];

/** Client-IDs Zaqar must refuse, and a few it must take. */
const clientIds = (valid: string) =>
  fc.oneof(
    fc.constant(valid),
    fc.uuid().map((id) => id.toUpperCase()),
    fc.uuid().map((id) => id.replace(/-/g, '')),
    fc.uuid().map((id) => `{${id}}`),
    fc.uuid().map((id) => `urn:uuid:${id}`),
    fc.uuid().map((id) => `${id}x`),
    fc.constantFrom(
      '00000000-0000-0000-0000-000000000000',
      'ffffffff-ffff-ffff-ffff-ffffffffffff',
      'not-a-uuid-at-all',
    ),
    hostileText,
  );

const projectIds = (valid: string) =>
  fc.oneof(
    fc.constant(valid),
    fc.constantFrom('0', '-1', 'p'.repeat(256), 'p'.repeat(257), 'pröject', 'a/b', 'a b', '*', 'admin'),
    hostileText,
  );

/** What a header change does to the case's headers. */
type HeaderChange = (headers: Array<[string, FuzzJson]>) => Array<[string, FuzzJson]>;
const without =
  (name: string): HeaderChange =>
  (h) =>
    h.filter(([n]) => n.toLowerCase() !== name.toLowerCase());
const replacing =
  (name: string, value: FuzzJson): HeaderChange =>
  (h) => [...without(name)(h), [name, value]];
const adding =
  (name: string, value: FuzzJson): HeaderChange =>
  (h) => [...h, [name, value]];

function headerChanges(project: string, clientId: string): fc.Arbitrary<HeaderChange> {
  return fc.oneof(
    fc.constantFrom('X-Project-ID', 'Client-ID', 'Content-Type').map(without),
    clientIds(clientId).map((id) => replacing('Client-ID', id)),
    projectIds(project).map((id) => replacing('X-Project-ID', id)),
    fc.constantFrom(...ROLES).map((roles) => replacing('X-Roles', roles)),
    fc.constantFrom(...MEDIA_TYPES).map((type) => replacing('Content-Type', type)),
    fc.constantFrom(...ACCEPTS).map((type) => replacing('Accept', type)),
    fc
      .tuple(fc.constantFrom('X-Project-ID', 'Client-ID', 'Content-Type', 'X-Roles', 'Accept'), hostileText)
      .map(([name, value]) => adding(name, value)),
    fc
      .tuple(
        fc.constantFrom(
          'X-Auth-Token',
          'URL-Signature',
          'URL-Expires',
          'URL-Methods',
          'URL-Paths',
          'X-Openstack-Request-ID',
          'Authorization',
          'X-Forwarded-For',
          'Content-Encoding',
          'Expect',
          'Range',
          'If-None-Match',
        ),
        fc.oneof(
          hostileText,
          fc.constantFrom('req-7f2c4b8e-2b9e-41e3-b191-71861300734c', 'Bearer x', 'gzip', '100-continue', 'bytes=0-1'),
        ),
      )
      .map(([name, value]) => adding(name, value)),
    // a pre-signed URL the share route made, on whatever route this case is
    fc
      .nat()
      .map((n): HeaderChange => (h) => [
        ...without('X-Project-ID')(h),
        ...['URL-Signature', 'URL-Expires', 'URL-Methods', 'URL-Paths', 'X-Project-ID'].map(
          (name): [string, FuzzJson] => [
            name,
            new Pick((k) => nth(k.signed, n)?.[name] ?? 'none', `signed#${n}.${name}`),
          ],
        ),
      ]),
    // oversized: one long value, or very many headers
    fc.constantFrom(4_096, 16_000, 17_000, 65_536).map((size) => adding('X-Big', 'b'.repeat(size))),
    fc
      .constantFrom(50, 120, 2_100)
      .map((count): HeaderChange => (h) => [
        ...h,
        ...Array.from({ length: count }, (_, i): [string, FuzzJson] => [`X-Many-${i}`, String(i)]),
      ]),
  );
}

/** A path parameter: the case's target, something of its kind, or (when hostile) any text. */
function pathValue(
  name: string,
  space: Space,
  pointed: { queue: Pick; id: Pick },
  hostile: boolean,
): fc.Arbitrary<FuzzJson> {
  const ofKind: fc.Arbitrary<FuzzJson> =
    name === 'queue'
      ? queueName(space)
      : name === 'pool'
        ? knownPool
        : name === 'flavor'
          ? knownFlavor
          : fc.uuid({ version: 7 });
  const known = name === 'queue' ? pointed.queue : name === 'pool' || name === 'flavor' ? undefined : pointed.id;
  return fc.oneof(
    ...(known ? [{ arbitrary: fc.constant<FuzzJson>(known), weight: 5 }] : []),
    { arbitrary: ofKind, weight: 3 },
    ...(hostile
      ? [
          { arbitrary: fc.uuid() as fc.Arbitrary<FuzzJson>, weight: 1 },
          { arbitrary: hostileText as fc.Arbitrary<FuzzJson>, weight: 2 },
        ]
      : []),
  );
}

const encoding: fc.Arbitrary<{ encoding: Encoding; escape?: string }> = fc.oneof(
  { arbitrary: fc.constant({ encoding: 'component' as const }), weight: 12 },
  { arbitrary: fc.constant({ encoding: 'verbatim' as const }), weight: 1 },
  { arbitrary: fc.constant({ encoding: 'raw-bytes' as const }), weight: 1 },
  {
    arbitrary: fc.constantFrom(...MALFORMED_ESCAPES).map((escape) => ({ encoding: 'bad-percent' as const, escape })),
    weight: 2,
  },
);

const written = (value: fc.Arbitrary<FuzzJson>): fc.Arbitrary<Written> =>
  fc.tuple(value, encoding).map(([v, e]) => ({ value: v, ...e }));

/** `first` and a few more known ids, comma-separated as Zaqar's `ids` and `claim_ids` take them. */
function idList(kind: ItemKind, first: Pick): fc.Arbitrary<FuzzJson> {
  return fc
    .array(fc.nat(), { maxLength: 3 })
    .map(
      (more) =>
        new Pick(
          (k) => [first.resolve(k), ...more.map((m) => nth(k.items[kind], m)?.id ?? NO_SUCH_ID)].join(','),
          `${kind} ids`,
        ),
    );
}

/** A query parameter's values: valid for its name and type, and any (valid or not). */
function queryValue(
  name: string,
  type: string,
  fields: Record<string, fc.Arbitrary<FuzzJson>>,
  pointed: { claimId: Pick; id: Pick },
) {
  const valid: fc.Arbitrary<FuzzJson> =
    name === 'claim_id'
      ? fc.constant(pointed.claimId)
      : name === 'ids' || name === 'claim_ids'
        ? idList(name === 'ids' ? 'messages' : 'claims', name === 'ids' ? pointed.id : pointed.claimId)
        : Object.hasOwn(fields, name)
          ? fields[name]
          : type === 'boolean'
            ? fc.constantFrom('true', 'false')
            : type === 'integer'
              ? fc.integer({ min: 0, max: 20 })
              : fc.string({ maxLength: 12 });
  const hostile = fc.oneof(
    hostileText,
    fc.constantFrom('99999999999999999999', '-1', '1e5', '0x10', 'NaN', ' 1', '1.5', 'True', 'yes', '21', '1,2'),
  );
  return { valid, any: fc.oneof({ arbitrary: valid, weight: 3 }, { arbitrary: hostile, weight: 2 }) };
}

/** Bodies no JSON parser should take, and a few it should. */
const ODD_TEXTS = [
  '',
  ' ',
  'null',
  '1',
  '"x"',
  'true',
  '[',
  '{',
  '}',
  'NaN',
  '{"a":NaN}',
  "{'a': 1}",
  '//c\n{}',
  '{"a":1}{"b":2}',
  '\ufeff{}',
  '[]',
  '{}',
];

function body(operation: Operation, ctx: ValueContext): fc.Arbitrary<HttpBody | undefined> {
  const schema = operation.body?.schema;
  const json = (value: fc.Arbitrary<FuzzJson>) =>
    fc
      .tuple(
        value,
        fc.constantFrom<Damage>(
          'none',
          'none',
          'none',
          'none',
          'none',
          'none',
          'truncate',
          'invalid-utf8',
          'bom',
          'trailing-garbage',
          'duplicate-key',
        ),
      )
      .map(([v, damage]): HttpBody => ({ json: v, damage }));
  const hostileBodies = fc.oneof(
    json(hostileJson),
    json(deepJson),
    json(hugeJson),
    fc.constantFrom(...ODD_TEXTS).map((text): HttpBody => ({ text })),
    fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 64 }).map((bytes): HttpBody => ({ bytes })),
  );
  if (!schema)
    return fc.oneof({ arbitrary: fc.constant(undefined), weight: 6 }, { arbitrary: hostileBodies, weight: 1 });
  return fc.oneof(
    { arbitrary: json(mostlyValid(validValue(schema, ctx), 2)), weight: 6 },
    { arbitrary: json(embedded(schema, ctx)), weight: 1 },
    { arbitrary: hostileBodies, weight: 2 },
    { arbitrary: fc.constant(undefined), weight: 1 },
  );
}

/** A valid body with something deep or huge where the server stores it (a message's body, metadata). */
function embedded(schema: Schema, ctx: ValueContext): fc.Arbitrary<FuzzJson> {
  return fc.tuple(validValue(schema, ctx), fc.oneof(deepJson, hugeJson)).map(([value, heavy]) => {
    if (
      value &&
      typeof value === 'object' &&
      'messages' in value &&
      Array.isArray(value.messages) &&
      value.messages.length
    ) {
      return objectOf([['messages', [objectOf([['body', heavy]]), ...value.messages.slice(1)]]]);
    }
    if (Array.isArray(value))
      return [
        objectOf([
          ['op', 'add'],
          ['path', '/metadata/heavy'],
          ['value', heavy],
        ]),
      ];
    return objectOf([...Object.entries(value && typeof value === 'object' ? value : {}), ['heavy', heavy]]);
  });
}

const framing = fc.oneof(
  { arbitrary: fc.constant({ framing: 'plain' as Framing }), weight: 16 },
  { arbitrary: fc.constant({ framing: 'cut-short' as Framing }), weight: 1 },
  { arbitrary: fc.constant({ framing: 'chunked' as Framing }), weight: 1 },
  { arbitrary: fc.constant({ framing: 'bad-chunked' as Framing }), weight: 1 },
  { arbitrary: fc.constant({ framing: 'http1.0' as Framing }), weight: 1 },
  {
    arbitrary: fc
      .constantFrom(...BAD_LENGTHS)
      .map((framingDetail) => ({ framing: 'bad-length' as Framing, framingDetail })),
    weight: 1,
  },
  {
    arbitrary: fc
      .constantFrom(...GARBAGE_HEADS)
      .map((framingDetail) => ({ framing: 'garbage' as Framing, framingDetail })),
    weight: 1,
  },
);

/** Whom a request acts as, by default. */
export interface Caller {
  project: string;
  clientId: string;
}

/** The parts of a request that vary, before they are put together. */
interface Choices {
  method: string;
  params: Record<string, Written>;
  suffix: string;
  query: Array<[string, Written] | null>;
  extraQuery: Array<[string, Written]>;
  roles: string | undefined;
  changes: HeaderChange[];
  body: HttpBody | undefined;
  framing: { framing: Framing; framingDetail?: string };
}

/**
 * Requests on one operation: a third of them valid throughout (its method, known ids, valid query
 * and body), to reach the code behind the checks; the rest with any part broken.
 */
function caseOf(operation: Operation, ctx: ValueContext, caller: Caller): fc.Arbitrary<HttpCase> {
  const space: Space = operation.template.startsWith('/v2/topics') ? 'topics' : 'queues';
  const parts = operation.template.split(/(\{[^}]+\})/).filter(Boolean);
  const params = parts.filter((part) => part.startsWith('{')).map((part) => part.slice(1, -1));
  const idParam = params.find((name) => Object.hasOwn(ID_KINDS, name));
  const admin = /^\/v2\/(pools|flavors|health)|^\/metrics/.test(operation.template);
  const component = (value: fc.Arbitrary<FuzzJson>) => value.map((v): Written => ({ value: v, encoding: 'component' }));
  return fc.nat().chain((n) => {
    const pointed = target(idParam ? ID_KINDS[idParam] : 'queues', space, n);
    const queryOf = (name: string, type: string) => queryValue(name, type, ctx.fields, pointed);
    const valid: fc.Arbitrary<Choices> = fc.record({
      method: fc.constant(operation.method),
      params: fc.record(
        Object.fromEntries(params.map((name) => [name, component(pathValue(name, space, pointed, false))])),
      ),
      suffix: fc.constant(''),
      query: fc.tuple(
        ...operation.query.map(({ name, type }) =>
          oneIn(
            2,
            component(queryOf(name, type).valid).map((w): [string, Written] => [name, w]),
          ),
        ),
      ),
      extraQuery: fc.constant([]),
      roles: fc.constant(admin ? 'admin' : undefined),
      changes: fc.constant([]),
      body: operation.body
        ? validValue(operation.body.schema, ctx).map((json): HttpBody => ({ json, damage: 'none' }))
        : fc.constant(undefined),
      framing: fc.constant({ framing: 'plain' as Framing }),
    });
    const hostile: fc.Arbitrary<Choices> = fc.record({
      method: fc.oneof(
        { arbitrary: fc.constant(operation.method), weight: 16 },
        { arbitrary: fc.constantFrom(...OTHER_METHODS), weight: 2 },
        { arbitrary: fc.constantFrom(...ODD_METHODS), weight: 1 },
      ),
      params: fc.record(
        Object.fromEntries(params.map((name) => [name, written(pathValue(name, space, pointed, true))])),
      ),
      suffix: fc.constantFrom(...PATH_SUFFIXES),
      query: fc.tuple(
        ...operation.query.map(({ name, type }) =>
          oneIn(
            2,
            written(queryOf(name, type).any).map((w): [string, Written] => [name, w]),
          ),
        ),
      ),
      extraQuery: fc.array(
        fc.tuple(
          fc.oneof(hostileText, fc.constantFrom('limit', 'marker', 'echo', 'wait', 'detailed')),
          written(fc.oneof(hostileText, fc.constant('1'))),
        ),
        { maxLength: 2 },
      ),
      roles: fc.oneof(
        { arbitrary: fc.constant(admin ? 'admin' : undefined), weight: 6 },
        { arbitrary: fc.constantFrom(undefined, 'admin'), weight: 1 },
      ),
      changes: fc.array(headerChanges(caller.project, caller.clientId), { maxLength: 2 }),
      body: body(operation, ctx),
      framing,
    });
    return fc.oneof({ arbitrary: valid, weight: 1 }, { arbitrary: hostile, weight: 2 }).map((chosen): HttpCase => {
      let headers: Array<[string, FuzzJson]> = [
        ['X-Project-ID', caller.project],
        ['Client-ID', caller.clientId],
        ...(chosen.roles ? [['X-Roles', chosen.roles] as [string, FuzzJson]] : []),
        ...(operation.body || chosen.body
          ? [['Content-Type', operation.body?.mediaType ?? 'application/json'] as [string, FuzzJson]]
          : []),
      ];
      for (const change of chosen.changes) headers = change(headers);
      return {
        operation: operation.key,
        server: operation.server,
        method: chosen.method,
        segments: parts.map((part) => (part.startsWith('{') ? chosen.params[part.slice(1, -1)] : part)),
        suffix: chosen.suffix,
        query: [...chosen.query.filter((q): q is [string, Written] => q !== null), ...chosen.extraQuery],
        headers,
        body: chosen.body,
        ...chosen.framing,
      };
    });
  });
}

/** Requests over every operation, each as likely as any other; and those of each operation alone. */
export function httpCases(
  operations: Operation[],
  setting: FuzzSetting,
  components: Record<string, Schema>,
  caller: Caller,
) {
  const ctx: ValueContext = { components, fields: fieldValues(setting) };
  const byOperation = operations.map((operation) => caseOf(operation, ctx, caller));
  return { any: fc.oneof(...byOperation), byOperation };
}
