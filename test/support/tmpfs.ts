import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** What a machine lacks to mount a tmpfs (mounting needs root), or null. */
export function tmpfsMissing(): string | null {
  return process.getuid?.() === 0 ? null : 'mounting a tmpfs needs root';
}

/** Every tmpfs not yet unmounted, so that a test run that ends abruptly still unmounts them. */
const mounted = new Set<Tmpfs>();
process.once('exit', () => {
  for (const tmpfs of mounted) tmpfs.unmount();
});

/**
 * A small tmpfs of a test's own, to run a store out of space: `fill` takes what is left with a
 * filler file, `drain` deletes it, `resize` remounts with another size. `unmount` in afterAll.
 */
export class Tmpfs {
  private constructor(readonly dir: string) {}

  static mount(sizeKiB: number): Tmpfs {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zaqar-tmpfs-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKiB}k,mode=0755`, 'tmpfs', dir], { stdio: 'pipe' });
    } catch (error) {
      fs.rmdirSync(dir);
      throw new Error(`could not mount a tmpfs on ${dir}: ${(error as Error).message}`);
    }
    const tmpfs = new Tmpfs(dir);
    mounted.add(tmpfs);
    return tmpfs;
  }

  get freeBytes(): number {
    const stats = fs.statfsSync(this.dir);
    return stats.bavail * stats.bsize;
  }

  get usedBytes(): number {
    const stats = fs.statfsSync(this.dir);
    return (stats.blocks - stats.bfree) * stats.bsize;
  }

  /** Writes a filler file until the file system is full, leaving `leaveBytes` free (rounded to pages). */
  fill(leaveBytes = 0): void {
    const fd = fs.openSync(this.filler, 'a');
    try {
      const chunk = Buffer.alloc(64 * 1024);
      for (let left = this.freeBytes - leaveBytes; left > 0; left -= chunk.length) {
        try {
          fs.writeSync(fd, chunk, 0, Math.min(chunk.length, left));
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOSPC') return;
          throw error;
        }
      }
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Deletes the filler file: its space is free again. */
  drain(): void {
    fs.rmSync(this.filler, { force: true });
  }

  /** Remounts with a new size (which may not be below what is used). */
  resize(sizeKiB: number): void {
    execFileSync('mount', ['-o', `remount,size=${sizeKiB}k`, this.dir], { stdio: 'pipe' });
  }

  /** Unmounts (lazily if a process still holds a file there) and removes the mount point. */
  unmount(): void {
    if (!mounted.delete(this)) return;
    try {
      execFileSync('umount', [this.dir], { stdio: 'pipe' });
    } catch {
      execFileSync('umount', ['-l', this.dir], { stdio: 'pipe' });
    }
    fs.rmdirSync(this.dir);
  }

  private get filler(): string {
    return path.join(this.dir, 'filler');
  }
}
