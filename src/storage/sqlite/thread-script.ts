import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where a worker thread's script is, by name (e.g. 'sqlite-thread.entry'): the compiled file beside
 * this one, or, when this file runs from its TypeScript source (jest), the source compiled on load
 * by ts-node.
 */
export function threadScript(name: string): { file: string; execArgv?: string[] } {
  const compiled = join(__dirname, `${name}.js`);
  if (existsSync(compiled)) return { file: compiled };
  return {
    file: join(__dirname, `${name}.ts`),
    execArgv: ['--require', 'ts-node/register/transpile-only'],
  };
}
