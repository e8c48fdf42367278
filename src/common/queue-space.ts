import type { QueueRef } from '../storage/storage.contract';
import type { RequestContext } from './request-context';

/**
 * A namespace of queue-shaped resources: queues, and topics. A topic keeps what a queue keeps
 * (metadata, messages with TTLs, subscriptions and their deliveries), so it is stored as a queue
 * filed under its project's topic key: one store, one service layer and one delivery pipeline
 * serve both, and a topic never meets the queue of the same name.
 */
export interface QueueSpace {
  /** What texts call one of them: "Queue", "Topic". */
  readonly noun: string;
  /** The key listings answer under: "queues", "topics". */
  readonly collection: string;
  /** Where its hrefs start: /v2/queues, /v2/topics. */
  readonly base: string;
  /** Whether a GET of one never created answers the defaults (queues) or 404 (topics), as in Zaqar. */
  readonly implicit: boolean;
  /** Reserved metadata keys a GET shows with their defaults (Zaqar's lists differ). */
  readonly shownReserved: readonly string[];
  /** The key the store files the project's resources of this space under. */
  storeKey(project: string): string;
  /** The policy action of a queue action in this space (topics:create for queues:create). */
  action(name: string): string;
}

/** Precedes a project in its topics' store key; no project id may hold it (requestScope). */
const TOPIC_KEY_MARK = '\u001ftopics\u001f';

const BASIC_RESERVED = ['_max_messages_post_size', '_default_message_ttl', '_default_message_delay'];

export const QUEUES: QueueSpace = {
  noun: 'Queue',
  collection: 'queues',
  base: '/v2/queues',
  implicit: true,
  shownReserved: [
    ...BASIC_RESERVED,
    '_dead_letter_queue',
    '_dead_letter_queue_messages_ttl',
    '_max_claim_count',
    '_enable_encrypt_messages',
  ],
  storeKey: (project) => project,
  action: (name) => name,
};

export const TOPICS: QueueSpace = {
  noun: 'Topic',
  collection: 'topics',
  base: '/v2/topics',
  implicit: false,
  shownReserved: BASIC_RESERVED,
  storeKey: (project) => TOPIC_KEY_MARK + project,
  action: (name) => name.replace(/^queues:/, 'topics:'),
};

/**
 * API v1.1's view of the queues: the same queues under /v1.1 hrefs, their metadata shown as stored
 * (Zaqar's v1.1 adds no reserved defaults).
 */
export const V1_1_QUEUES: QueueSpace = { ...QUEUES, base: '/v1.1/queues', shownReserved: [] };

/** The space a REST route serves, from its path template (/v2/topics/:queue/messages). */
export function spaceOfRoute(url: string | undefined): QueueSpace {
  if (url?.startsWith('/v2/topics')) return TOPICS;
  return isV1_1Route(url) ? V1_1_QUEUES : QUEUES;
}

/** Whether a route template is API v1.1's: /v1.1, /v1.1/queues/:queue… */
export function isV1_1Route(url: string | undefined): boolean {
  return url === '/v1.1' || (url?.startsWith('/v1.1/') ?? false);
}

/** Whether a project id holds a control character, which could make it another space's store key. */
export function isReservedProjectId(project: string): boolean {
  for (let i = 0; i < project.length; i++) if (project.charCodeAt(i) < 0x20) return true;
  return false;
}

/** Where the store keeps the caller's queue (or topic) `name`. */
export function queueRef(ctx: Pick<RequestContext, 'project' | 'space'>, name: string): QueueRef {
  return { project: ctx.space.storeKey(ctx.project), queue: name };
}

/** The href of the caller's queue or topic: /v2/queues/{name}, /v2/topics/{name}. */
export function queuePath(ctx: Pick<RequestContext, 'space'>, name: string): string {
  return `${ctx.space.base}/${name}`;
}
