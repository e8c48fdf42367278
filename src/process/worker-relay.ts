import cluster from 'node:cluster';

/** Marks the messages the primary passes from one worker to every other: `{[RELAY + topic]: payload}`. */
const RELAY = 'zaqarRelay:';

/** A worker's message for its siblings on `topic` (socket pushes, message signals); nothing outside a cluster. */
export function sendToOtherWorkers(topic: string, payload: unknown): boolean {
  if (!cluster.isWorker || !process.send) return false;
  process.send({ [RELAY + topic]: payload });
  return true;
}

/** In a worker: calls `receive` with each sibling's payload on `topic`; returns the way to stop. */
export function onSiblingMessages(topic: string, receive: (payload: unknown) => void): () => void {
  const key = RELAY + topic;
  const listener = (message: unknown) => {
    if (message !== null && typeof message === 'object' && key in message) {
      receive((message as Record<string, unknown>)[key]);
    }
  };
  process.on('message', listener);
  return () => process.off('message', listener);
}

/** The primary's half: a relayed message from one worker goes to every other. */
export function relayBetweenWorkers(workers: () => Iterable<{ send(message: unknown): boolean; id: number }>): void {
  cluster.on('message', (from, message) => {
    if (message === null || typeof message !== 'object') return;
    if (!Object.keys(message).some((key) => key.startsWith(RELAY))) return;
    for (const worker of workers()) if (worker.id !== from.id) worker.send(message);
  });
}
