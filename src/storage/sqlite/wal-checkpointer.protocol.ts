/**
 * What the committing side and the checkpoint thread share (see wal-checkpointer.ts). Kept apart so
 * that the thread loads nothing else.
 */

/** Slots of the shared Int32Array: commits counted so far, and 1 once closing. */
export const COMMITS = 0;
export const CLOSING = 1;

export interface CheckpointerData {
  path: string;
  state: SharedArrayBuffer;
  /** How long commits gather after the first one before they are checkpointed. */
  gatherMs: number;
}
