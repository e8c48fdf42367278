/** Where a resource lives: queues (v2 and v1.1 share them) or topics. */
export type Space = 'queues' | 'topics';

/** A message, claim or subscription the server made, with the queue it belongs to. */
export interface QueueItem {
  space: Space;
  queue: string;
  id: string;
  /** For a claimed message: its claim. */
  claimId?: string;
}

export type ItemKind = 'messages' | 'claims' | 'subscriptions';

/** How many of each kind are remembered; the oldest are forgotten first. */
const KEEP = 64;

/**
 * What the server made during a fuzzing run (queues, ids, markers, pools, flavors), learned from its
 * answers, so generated requests can point at real resources and reach the code behind "not found".
 */
export class Known {
  readonly queues: Record<Space, string[]> = { queues: [], topics: [] };
  readonly items: Record<ItemKind, QueueItem[]> = { messages: [], claims: [], subscriptions: [] };
  readonly markers: string[] = [];
  readonly pools: string[] = [];
  readonly flavors: string[] = [];
  /** Pre-signed URLs the share route made: the headers a request signed by one carries. */
  readonly signed: Array<Record<string, string>> = [];

  queue(space: Space, name: string): void {
    remember(this.queues[space], name);
  }

  item(kind: ItemKind, item: QueueItem): void {
    const list = this.items[kind];
    const at = list.findIndex((known) => known.id === item.id && known.queue === item.queue);
    if (at >= 0) list.splice(at, 1);
    list.push(item);
    if (list.length > KEEP) list.shift();
    this.queue(item.space, item.queue);
  }

  marker(marker: string): void {
    remember(this.markers, marker);
  }

  pool(name: string): void {
    remember(this.pools, name);
  }

  flavor(name: string): void {
    remember(this.flavors, name);
  }

  signedUrl(headers: Record<string, string>): void {
    this.signed.push(headers);
    if (this.signed.length > KEEP) this.signed.shift();
  }
}

function remember(list: string[], value: string): void {
  const at = list.indexOf(value);
  if (at >= 0) list.splice(at, 1);
  list.push(value);
  if (list.length > KEEP) list.shift();
}

/** The n-th of a list, wrapping around; undefined when it is empty. */
export function nth<T>(list: readonly T[], n: number): T | undefined {
  return list.length ? list[n % list.length] : undefined;
}
