import { collectDefaultMetrics, Registry } from 'prom-client';

/** This server's registry, with prom-client's default process metrics (CPU, memory, event-loop lag, GC). */
export function metricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}
