import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { missingV8Flags, SERVER_V8_FLAGS } from './v8-flags';

describe('SERVER_V8_FLAGS', () => {
  it('are what npm start passes to node', () => {
    const manifest = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8'));
    expect(manifest.scripts.start).toBe(`node ${SERVER_V8_FLAGS.join(' ')} dist/src/main.js`);
  });

  it('are accepted by this node (it refuses an unknown one with "bad option")', () => {
    const out = execFileSync(process.execPath, [...SERVER_V8_FLAGS, '-e', 'process.stdout.write("ok")']);
    expect(out.toString()).toBe('ok');
  });

  it('names the ones a process was started without', () => {
    expect(missingV8Flags([...SERVER_V8_FLAGS, '--inspect'])).toEqual([]);
    expect(missingV8Flags(['--max-semi-space-size=64'])).toEqual(['--no-allocation-site-pretenuring']);
    expect(missingV8Flags([])).toEqual([...SERVER_V8_FLAGS]);
  });
});
