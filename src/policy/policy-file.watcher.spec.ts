// The default import is node's own fs object, so a spy on it is seen by the watcher module.
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PolicyFileWatcher } from './policy-file.watcher';

async function waitFor(predicate: () => boolean, withinMs: number): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > withinMs) throw new Error(`condition not met within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('policy file watcher', () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(join(tmpdir(), 'zaqar-watch-'));
    file = join(dir, 'policy.json');
    fs.writeFileSync(file, '{}');
  });

  afterEach(() => {
    jest.restoreAllMocks();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('notices a change by polling when fs.watch is unavailable (some network and container mounts)', async () => {
    const watch = jest.spyOn(fs, 'watch').mockImplementation(() => {
      throw new Error('ENOSPC: System limit for number of file watchers reached');
    });
    let changes = 0;
    const watcher = new PolicyFileWatcher(file, () => changes++, 100);
    watcher.start();
    try {
      fs.writeFileSync(file, '{"a": ""}');
      await waitFor(() => changes > 0, 1000);
      expect(watch).toHaveBeenCalled();
    } finally {
      watcher.stop();
    }
  });

  it('ignores changes to other files in the directory', async () => {
    let changes = 0;
    const watcher = new PolicyFileWatcher(file, () => changes++, 100);
    watcher.start();
    try {
      fs.writeFileSync(join(dir, 'other.json'), '{}');
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(changes).toBe(0);
    } finally {
      watcher.stop();
    }
  });

  it('stops calling after stop()', async () => {
    let changes = 0;
    const watcher = new PolicyFileWatcher(file, () => changes++, 50);
    watcher.start();
    watcher.stop();
    fs.writeFileSync(file, '{"b": ""}');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(changes).toBe(0);
  });
});
