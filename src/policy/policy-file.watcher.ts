import { FSWatcher, statSync, watch } from 'node:fs';
import { basename, dirname } from 'node:path';

/** Editors write in several steps (truncate, write, rename); one reload after they settle is enough. */
const SETTLE_MS = 50;

/**
 * Calls `onChange` soon after a file may have changed. fs.watch watches the directory, not the
 * file, because editors and config managers replace a file by renaming a new one over it, which
 * orphans a watch on the old inode. fs.watch also misses events on some file systems (NFS, some
 * container mounts), so a cheap stat poll backs it up. Duplicate calls are expected: the
 * listener decides whether the content really changed.
 */
export class PolicyFileWatcher {
  private watcher?: FSWatcher;
  private poll?: NodeJS.Timeout;
  private settle?: NodeJS.Timeout;
  private lastStat: string;

  constructor(
    private readonly file: string,
    private readonly onChange: () => void,
    private readonly pollIntervalMs = 500,
  ) {
    this.lastStat = statSignature(file);
  }

  start(): void {
    if (this.poll) return;
    const name = basename(this.file);
    try {
      this.watcher = watch(dirname(this.file), { persistent: false }, (_event, changed) => {
        if (!changed || changed.toString() === name) this.schedule();
      });
      // The poll still runs; an fs.watch failure (e.g. too many watchers) must not stop reloads.
      this.watcher.on('error', () => this.watcher?.close());
    } catch {
      this.watcher = undefined;
    }
    this.poll = setInterval(() => {
      const stat = statSignature(this.file);
      if (stat !== this.lastStat) {
        this.lastStat = stat;
        this.schedule();
      }
    }, this.pollIntervalMs);
    this.poll.unref();
  }

  stop(): void {
    this.watcher?.close();
    this.watcher = undefined;
    clearInterval(this.poll);
    this.poll = undefined;
    clearTimeout(this.settle);
    this.settle = undefined;
  }

  private schedule(): void {
    clearTimeout(this.settle);
    this.settle = setTimeout(() => {
      this.settle = undefined;
      this.lastStat = statSignature(this.file);
      this.onChange();
    }, SETTLE_MS);
    this.settle.unref();
  }
}

/** Changes when the file is rewritten in place (mtime, size) or replaced (inode). */
function statSignature(file: string): string {
  try {
    const stat = statSync(file);
    return `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
  } catch {
    return 'missing';
  }
}
