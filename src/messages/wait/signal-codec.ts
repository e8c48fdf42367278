import { randomUUID } from 'node:crypto';
import type { Signal } from './message-signals';

/** A process's own signals come back on Redis and PostgreSQL channels; its id tells them apart. */
const PROCESS_SIGNAL_ID = randomUUID();

/** One tick's signals as the channels carry them, marked with the sending process. */
export function encodeSignals(signals: Signal[]): string {
  return JSON.stringify({
    from: PROCESS_SIGNAL_ID,
    signals: signals.map((s) => [s.ref.project, s.ref.queue, s.count]),
  });
}

/**
 * The signals of another process in `raw`; none when it is this process's own or not well formed
 * (anyone who can publish on a channel reaches the decoder).
 */
export function decodeSignals(raw: string): Signal[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return [];
  }
  const { from, signals } = (parsed ?? {}) as { from?: unknown; signals?: unknown };
  if (from === PROCESS_SIGNAL_ID || !Array.isArray(signals)) return [];
  return signals
    .filter(
      (s): s is [string, string, number] =>
        Array.isArray(s) && typeof s[0] === 'string' && typeof s[1] === 'string' && Number.isInteger(s[2]),
    )
    .map(([project, queue, count]) => ({ ref: { project, queue }, count }));
}
