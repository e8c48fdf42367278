import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The directory this server is installed in (the nearest one up from this file holding
 * package.json), whether it runs compiled from dist/ or from src/ under a test runner. Default
 * files such as policy.json live there, so the server starts from any working directory.
 */
export function installRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return process.cwd();
  }
}
