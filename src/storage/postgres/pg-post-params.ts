import type { NewMessage } from '../storage.contract';
import { bodyToJson } from './pg-values';

/**
 * One post's share of the insert statement's parameters (see POST_SQL), as text, encoded when the
 * post arrives. Posts to one queue commit one batch at a time, and everything done between two
 * commits holds up every post waiting behind them; so each post is encoded on its own, while the
 * batch before it is still in the database, and a flush only joins the shares of its posts.
 *
 * pg would encode JS arrays itself, but it quotes and escapes every element of every array (10% of
 * the server's CPU when posting 10 messages per request). Here only client ids can need quoting,
 * once per post; ids, numbers and JSON bodies go as they are.
 */
export interface PostParams {
  /** Elements of a uuid[] literal, comma-separated. */
  ids: string;
  /** Elements of a text[] literal: the post's client id, quoted, once per message. */
  clientIds: string;
  /** Elements of a JSON array: each message's body as JSON text. */
  bodies: string;
  /** Elements of int[] literals. */
  ttls: string;
  delays: string;
  /** Elements of a bigint[] literal: the post's clock, once per message. */
  created: string;
}

export function encodePost(ids: string[], clientId: string, messages: NewMessage[], now: number): PostParams {
  const bodies = new Array<string>(messages.length);
  const ttls = new Array<number>(messages.length);
  const delays = new Array<number>(messages.length);
  messages.forEach((message, i) => {
    bodies[i] = bodyToJson(message.body);
    ttls[i] = message.ttl;
    delays[i] = message.delay;
  });
  return {
    ids: ids.join(','),
    clientIds: repeat(quoteArrayElement(clientId), messages.length),
    bodies: bodies.join(','),
    ttls: ttls.join(','),
    delays: delays.join(','),
    created: repeat(String(now), messages.length),
  };
}

/** The statement's array parameters ($5 to $10 of POST_SQL) for a batch of posts, in their order. */
export function joinPosts(posts: PostParams[]): string[] {
  const array = (field: keyof PostParams) => `{${posts.map((post) => post[field]).join(',')}}`;
  return [
    array('ids'),
    array('clientIds'),
    `[${posts.map((post) => post.bodies).join(',')}]`,
    array('ttls'),
    array('delays'),
    array('created'),
  ];
}

/** An element of a PostgreSQL array literal that stays one string whatever it holds. */
export function quoteArrayElement(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

function repeat(element: string, times: number): string {
  return new Array<string>(times).fill(element).join(',');
}
