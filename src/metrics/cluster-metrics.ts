import cluster from 'node:cluster';
import { AggregatorRegistry, Registry } from 'prom-client';

/** A worker's ask for the aggregate, `{[ASK]: id}`, and the primary's answer, `{[ANSWER]: id, text | error}`. */
const ASK = 'zaqarMetrics:ask';
const ANSWER = 'zaqarMetrics:answer';

/** Past prom-client's own 5 s wait for the workers: the primary answers by then, or never will. */
const ANSWER_TIMEOUT_MS = 10_000;

type Answer = { [ANSWER]: number; text?: string; error?: string };

const isMessage = (message: unknown, key: string): message is Record<string, unknown> =>
  message !== null && typeof message === 'object' && key in message;

/**
 * The primary's half (WORKERS > 1): a worker's ask is answered with every worker's metrics,
 * gathered and aggregated by prom-client's AggregatorRegistry, each metric as it declares
 * (counters add up, per-queue gauges take the largest, event-loop lag is averaged).
 */
export function aggregateWorkerMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: unknown) => {
    if (!isMessage(message, ASK)) return;
    const id = message[ASK] as number;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ [ANSWER]: id, text }),
      (error: Error) => worker.send({ [ANSWER]: id, error: error.message }),
    );
  });
}

/**
 * A worker's half: answers the primary's requests for this process's `registry`, and asks the
 * primary for the aggregate of every worker, so whichever worker a scrape reaches answers the same.
 */
export class ClusterMetrics {
  private nextId = 0;
  private readonly waiting = new Map<number, (answer: Answer) => void>();

  constructor(registry: Registry) {
    // prom-client's worker half listens once an AggregatorRegistry exists in the process.
    AggregatorRegistry.setRegistries(registry);
    new AggregatorRegistry();
    process.on('message', (message: unknown) => {
      if (isMessage(message, ANSWER)) this.waiting.get(message[ANSWER] as number)?.(message as Answer);
    });
  }

  aggregate(): Promise<string> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => settle({ [ANSWER]: id, error: 'the primary did not answer' }), ANSWER_TIMEOUT_MS);
      const settle = (answer: Answer) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        if (answer.text !== undefined) resolve(answer.text);
        else reject(new Error(`metrics of the server processes could not be gathered: ${answer.error}`));
      };
      this.waiting.set(id, settle);
      process.send!({ [ASK]: id });
    });
  }
}
