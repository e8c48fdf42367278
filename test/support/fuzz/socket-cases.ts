import fc from 'fast-check';
import { fieldValues, FIXTURE_QUEUE, type FuzzSetting, ID_KINDS, target } from './field-values';
import { deepJson, hostileJson, hostileText, hugeJson } from './hostile';
import type { Caller } from './http-cases';
import { type FuzzJson, isObjectValue, jsonText, nestedText, objectOf, Pick, RawJson } from './json-text';
import { nth, type Space } from './known';
import { mostlyValid, oneIn, type Schema, validValue, type ValueContext } from './schema-values';

/** An action's body fields as the server's table gives them: name → [JSON type, 'required'?]. */
export type ActionFields = Record<string, [string, string?]>;

/** One frame of Zaqar's WebSocket protocol: a request object, or bytes as given. */
export type WebsocketCase =
  | { action: string; frame: FuzzJson }
  | { action: string; raw: { text?: string; bytes?: number[]; size?: number; binary: boolean }; mayClose: boolean };

/** One Socket.IO event (the action its name), or an engine.io packet as given on a socket of its own. */
export type SocketioCase =
  | { action: string; event: string | number; args: FuzzJson[]; ack: boolean; attachment: boolean; mayClose: boolean }
  | { action: string; packet: string | number[] };

/** Action names no table holds, some of them names every object has. */
const ODD_ACTIONS = [
  '',
  'QUEUE_LIST',
  'queue_list ',
  'queue-list',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'authenticate2',
];

/** Socket bodies name the metadata the REST PUT carries as its body. */
const METADATA_SCHEMA: Schema = { $ref: '#/components/schemas/QueueMetadataDto' };

function fieldValue(
  name: string,
  type: string,
  ctx: ValueContext,
  pointed: ReturnType<typeof target>,
): fc.Arbitrary<FuzzJson> {
  if (name === 'queue_name' || name === 'topic_name')
    return fc.oneof({ arbitrary: fc.constant(pointed.queue), weight: 3 }, ctx.fields[name]);
  if (name === 'claim_id') return fc.constant(pointed.claimId);
  if (Object.hasOwn(ID_KINDS, name)) return fc.constant(pointed.id);
  if (name === 'metadata') return validValue(METADATA_SCHEMA, ctx);
  if (Object.hasOwn(ctx.fields, name)) return ctx.fields[name];
  return validValue({ type }, ctx);
}

/** Valid bodies for an action: its required fields, some of the others. */
function actionBody(fields: ActionFields, ctx: ValueContext, space: Space): fc.Arbitrary<FuzzJson> {
  const idField = Object.keys(fields).find((name) => Object.hasOwn(ID_KINDS, name));
  return fc.nat().chain((n) => {
    const pointed = target(idField ? ID_KINDS[idField] : 'queues', space, n);
    const model = Object.fromEntries(
      Object.entries(fields).map(([name, [type]]) => [name, fieldValue(name, type, ctx, pointed)]),
    );
    const required = Object.entries(fields)
      .filter(([, [, need]]) => need === 'required')
      .map(([name]) => name);
    return fc.record(model, { requiredKeys: required }) as fc.Arbitrary<FuzzJson>;
  });
}

function actionHeaders(action: string, caller: Caller): fc.Arbitrary<FuzzJson> {
  const base: Array<[string, FuzzJson]> = [
    ['Client-ID', caller.clientId],
    ['X-Project-ID', caller.project],
    ...(action === 'check_node_health' ? [['X-Roles', 'admin'] as [string, FuzzJson]] : []),
    ...(action === 'authenticate' ? [['X-Auth-Token', 'not-a-token'] as [string, FuzzJson]] : []),
  ];
  const signed = fc
    .nat()
    .map((n) =>
      objectOf(
        ['URL-Signature', 'URL-Expires', 'URL-Methods', 'URL-Paths', 'X-Project-ID', 'Client-ID'].map(
          (name): [string, FuzzJson] => [
            name,
            name === 'Client-ID'
              ? caller.clientId
              : new Pick((k) => nth(k.signed, n)?.[name] ?? 'none', `signed#${n}.${name}`),
          ],
        ),
      ),
    );
  return fc.oneof(
    { arbitrary: mostlyValid(fc.constant(objectOf(base)), 3), weight: 8 },
    { arbitrary: signed, weight: 1 },
  );
}

/** `{headers, body}` for an action, valid or broken in its headers, body or shape. */
function payload(action: string, fields: ActionFields, ctx: ValueContext, caller: Caller): fc.Arbitrary<FuzzJson> {
  const space: Space = action.startsWith('topic_') ? 'topics' : 'queues';
  const valid = fc
    .tuple(actionHeaders(action, caller), mostlyValid(actionBody(fields, ctx, space), 2))
    .map(([headers, body]) =>
      objectOf([
        ['headers', headers],
        ['body', body],
      ]),
    );
  return fc.oneof({ arbitrary: valid, weight: 12 }, { arbitrary: hostileJson, weight: 1 });
}

/** A payload's parts as frame entries; a payload that is no object stands where the headers go. */
const entriesOf = (parts: FuzzJson): Array<[string, FuzzJson]> =>
  isObjectValue(parts) ? Object.entries(parts) : [['headers', parts]];

/** A post whose message body is deep or huge: what the socket API measures and stores. */
function heavyPost(caller: Caller): fc.Arbitrary<{ action: string; parts: FuzzJson }> {
  return fc.oneof(deepJson, hugeJson).map((heavy) => ({
    action: 'message_post',
    parts: objectOf([
      [
        'headers',
        objectOf([
          ['Client-ID', caller.clientId],
          ['X-Project-ID', caller.project],
        ]),
      ],
      [
        'body',
        objectOf([
          ['queue_name', FIXTURE_QUEUE.queues],
          ['messages', [objectOf([['body', heavy]])]],
        ]),
      ],
    ]),
  }));
}

function actionNames(actions: Record<string, ActionFields>): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...Object.keys(actions)), weight: 20 },
    { arbitrary: fc.constantFrom(...ODD_ACTIONS), weight: 1 },
    { arbitrary: hostileText, weight: 1 },
  );
}

/** Every action with `authenticate`, the session's own, which the table leaves out. */
const withAuthenticate = (actions: Record<string, ActionFields>): Record<string, ActionFields> => ({
  ...actions,
  authenticate: {},
});

/** The payloads of an action by name; a name of no action gets payloads of no fields. */
function payloadsOf(
  all: Record<string, ActionFields>,
  setting: FuzzSetting,
  components: Record<string, Schema>,
  caller: Caller,
): (action: string) => fc.Arbitrary<FuzzJson> {
  const ctx: ValueContext = { components, fields: fieldValues(setting) };
  return (action) => payload(action, Object.hasOwn(all, action) ? all[action] : {}, ctx, caller);
}

/** Cases of any action, and those of each action alone. */
export interface CaseSet<T> {
  any: fc.Arbitrary<T>;
  byAction: Array<fc.Arbitrary<T>>;
}

export function websocketCases(
  actions: Record<string, ActionFields>,
  setting: FuzzSetting,
  components: Record<string, Schema>,
  caller: Caller,
): CaseSet<WebsocketCase> {
  const all = withAuthenticate(actions);
  const payloadOf = payloadsOf(all, setting, components, caller);
  const requestOf = (action: string) => fc.tuple(fc.constant(action), payloadOf(action), oneIn(8, hostileJson));
  const request = actionNames(all).chain(requestOf);
  const frameOf = ([action, parts, odd]: [string, FuzzJson, FuzzJson | null]): WebsocketCase => {
    const entries: Array<[string, FuzzJson]> = [['action', action], ...entriesOf(parts)];
    // now and then the action itself is of the wrong type
    if (odd !== null) entries[0] = ['action', odd];
    return { action, frame: objectOf(entries) };
  };
  const frame = request.map(frameOf);
  const raw = fc.oneof(
    fc
      .constantFrom(
        '',
        ' ',
        'null',
        '123',
        '"x"',
        '[]',
        '[1,2]',
        '{',
        '{"action":',
        '\ufeff',
        'true',
        '{"action": "queue_list"}',
      )
      .map((text): WebsocketCase => ({ action: '<text>', raw: { text, binary: false }, mayClose: false })),
    request.map(([action, parts]): WebsocketCase => {
      const text = jsonText(objectOf([['action', action], ...entriesOf(parts)]));
      return { action: '<binary>', raw: { text, binary: true }, mayClose: false };
    }),
    request.map(([action, parts]): WebsocketCase => {
      const text = jsonText(objectOf([['action', action], ...entriesOf(parts)]));
      return {
        action: '<truncated>',
        raw: { text: text.slice(0, Math.max(1, text.length >> 1)), binary: false },
        mayClose: false,
      };
    }),
    // invalid UTF-8 in a text frame: the WebSocket protocol itself closes the connection (1007)
    fc.constant<WebsocketCase>({
      action: '<invalid utf-8>',
      raw: { bytes: [0x7b, 0x22, 0xff, 0xc0, 0xaf, 0x22, 0x7d], binary: false },
      mayClose: true,
    }),
    deepJson.map((deep): WebsocketCase => ({
      action: '<deep>',
      raw: { text: deep.text, binary: false },
      mayClose: false,
    })),
    heavyPost(caller).map(({ action, parts }): WebsocketCase => ({
      action,
      frame: objectOf([['action', action], ...entriesOf(parts)]),
    })),
    fc.constantFrom(1_048_577, 4 * 1_048_576 + 1).map((size): WebsocketCase => ({
      action: '<oversized>',
      raw: { size, binary: false },
      mayClose: size > 4 * 1_048_576,
    })),
  );
  return {
    any: fc.oneof({ arbitrary: frame, weight: 12 }, { arbitrary: raw, weight: 2 }),
    byAction: Object.keys(all).map((action) => requestOf(action).map(frameOf)),
  };
}

/** Engine.io and Socket.IO packets a client library never sends. */
const RAW_PACKETS: Array<string | number[]> = [
  '42',
  '42[',
  '42["queue_list"',
  '42[]',
  '42[{}]',
  '42[null]',
  '42["a",',
  '42["disconnect"]',
  '42["connect",{}]',
  '42["newListener","x"]',
  '4',
  '2',
  '3',
  '6',
  '1',
  '9',
  '40',
  '41',
  '43[]',
  '4399["x"]',
  '4210["queue_list",{}]',
  '4210["queue_list",{"headers":{"Client-ID":1},"body":[]}]',
  '451-["message_post",{"_placeholder":true,"num":0}]',
  '452-["x",{"_placeholder":true,"num":5}]',
  '42/nowhere,["queue_list",{}]',
  '40/nowhere,',
  '44{"message":"x"}',
  '42' + nestedText(5_000, 'array', '"queue_list"').text,
  '42["queue_list",' + nestedText(200_000, 'object').text + ']',
  [0xff, 0xfe, 0x00, 0x01],
  [0x04, 0x32, 0xff],
];

export function socketioCases(
  actions: Record<string, ActionFields>,
  setting: FuzzSetting,
  components: Record<string, Schema>,
  caller: Caller,
): CaseSet<SocketioCase> {
  const all = withAuthenticate(actions);
  const payloadOf = payloadsOf(all, setting, components, caller);
  const eventOf = (action: string) =>
    fc
      .record({
        parts: payloadOf(action),
        extra: oneIn(6, fc.array(hostileJson, { minLength: 1, maxLength: 2 })),
        ack: fc.oneof({ arbitrary: fc.constant(true), weight: 8 }, fc.constant(false)),
        attachment: fc.oneof({ arbitrary: fc.constant(false), weight: 8 }, fc.constant(true)),
        numeric: oneIn(30, fc.integer()),
        huge: oneIn(40, fc.constantFrom(1_048_577, 2_000_000)),
      })
      .map(({ parts, extra, ack, attachment, numeric, huge }): SocketioCase => {
        const args = [parts, ...(extra ?? [])];
        if (huge !== null) args.push(new RawJson(JSON.stringify('h'.repeat(huge))));
        return { action, event: numeric ?? action, args, ack, attachment, mayClose: huge !== null };
      });
  const event = actionNames(all).chain(eventOf);
  const packet = fc.constantFrom(...RAW_PACKETS).map((p): SocketioCase => ({ action: '<packet>', packet: p }));
  const heavy = heavyPost(caller).map(({ action, parts }): SocketioCase => ({
    action,
    event: action,
    args: [parts],
    ack: true,
    attachment: false,
    mayClose: false,
  }));
  return {
    any: fc.oneof({ arbitrary: event, weight: 24 }, { arbitrary: packet, weight: 2 }, { arbitrary: heavy, weight: 1 }),
    byAction: Object.keys(all).map(eventOf),
  };
}
