import type { RequestContext } from '../common/request-context';
import type { QueueSpace } from '../common/queue-space';

/** A queue (or topic) as its series name it. */
export interface ActiveQueue {
  space: QueueSpace;
  project: string;
  queue: string;
}

type Owner = Pick<RequestContext, 'project' | 'space'>;

/**
 * The queues most recently posted to, claimed from or deleted from through this process, at most
 * `capacity` of them (METRICS_QUEUES), the least recently active dropped first. No storage call
 * lists every project's queues, and series for all of them would be unbounded anyway.
 */
export class ActiveQueues {
  /** In order of activity, the most recent last: a Map keeps insertion order. */
  private readonly queues = new Map<string, ActiveQueue>();

  /** The most recent one, already last in `queues`: a busy queue is touched again and again. */
  private last?: { owner: Owner; queue: string };

  constructor(private readonly capacity: number) {}

  touch(owner: Owner, queue: string): void {
    if (this.capacity === 0) return;
    const last = this.last;
    if (last?.queue === queue && last.owner.project === owner.project && last.owner.space === owner.space) return;
    this.last = { owner, queue };
    const key = keyOf(owner, queue);
    const known = this.queues.get(key);
    if (known !== undefined) this.queues.delete(key);
    else if (this.queues.size >= this.capacity) this.queues.delete(this.queues.keys().next().value!);
    this.queues.set(key, known ?? { space: owner.space, project: owner.project, queue });
  }

  forget(owner: Owner, queue: string): void {
    this.queues.delete(keyOf(owner, queue));
    this.last = undefined;
  }

  /** The tracked queues, the least recently active first. */
  list(): ActiveQueue[] {
    return [...this.queues.values()];
  }
}

/** v1.1's queues are v2's: the store key, not the space object, tells queues from topics. */
function keyOf(owner: Owner, queue: string): string {
  return `${owner.space.storeKey(owner.project)}\u0000${queue}`;
}
