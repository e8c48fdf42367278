import { hasJsonType, JsonType } from '../../common/body-schema';
import { type QueueSpace, TOPICS } from '../../common/queue-space';
import type { RequestContext } from '../../common/request-context';
import { pythonRepr } from '../../identity/signed-url/python-repr';
import type { SocketSession } from '../socket-session';

export type Body = Record<string, unknown>;

/** One protocol action: its policy action, what its frame must carry, and what it does. */
export interface ActionSpec {
  policy: string;
  /** Fields of the frame's body its schema types (zaqar/api/v2/request.py), required ones marked. */
  fields: Record<string, [JsonType, 'required'?]>;
  /** Topics' actions name a topic_name; the rest a queue_name, if any. */
  space?: QueueSpace;
  run(ctx: RequestContext, body: Body, session: SocketSession): Promise<[status: number, body: unknown]>;
}

export type ActionTable = Record<string, ActionSpec>;

export const QUEUE: ActionSpec['fields'] = { queue_name: ['string', 'required'] };

/** The queue (or topic) a frame for this action names. */
export function nameOf(spec: ActionSpec, body: Body): string | undefined {
  return (spec.space === TOPICS ? body.topic_name : body.queue_name) as string | undefined;
}

/**
 * A body as the REST services read it: the JSON and its length. The length is Python's
 * `len(str(value))`, what Zaqar's socket API checks against the size limits (endpoints.py).
 */
export function asDocument(value: unknown): [unknown, number] {
  return [value, pythonRepr(value ?? {}).length];
}

/** The fields of `body` that are set, under the same names: what a REST body would carry. */
export function picked(body: Body, names: string[]): Body {
  return Object.fromEntries(names.filter((name) => body[name] !== undefined).map((name) => [name, body[name]]));
}

export const str = (body: Body, name: string) => body[name] as string;
export const opt = <T>(body: Body, name: string) => body[name] as T | undefined;

/** The last segment of an href: the id Zaqar's socket answers carry instead of the link. */
export const idOf = (href: string) => href.slice(href.lastIndexOf('/') + 1);

/** Whether the body carries what the action's schema asks, with the types it names. */
export function fitsSchema(spec: ActionSpec, body: Body): boolean {
  return Object.entries(spec.fields).every(([name, [type, required]]) => {
    if (!(name in body)) return required !== 'required';
    return hasJsonType(body[name], type);
  });
}
