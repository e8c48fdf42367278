import type { TestBackend } from './backends';
import { startServer, StartedServer } from './server';

export interface ServersOnStore {
  /** The running servers, in start order; filled in beforeAll. */
  readonly servers: StartedServer[];
  /** The first server, for suites that run one. */
  readonly server: StartedServer;
}

/**
 * For the enclosing describe block: a fresh store and `count` server processes on it, started
 * before its tests and stopped (store dropped) after them. `env` may be a function, read when the
 * servers start: settings known only after an outer beforeAll (a Keystone's URL).
 */
export function serversOnFreshStore(
  makeBackend: () => Promise<TestBackend>,
  count = 1,
  env: Record<string, string> | (() => Record<string, string>) = {},
): ServersOnStore {
  let backend: TestBackend | undefined;
  const servers: StartedServer[] = [];

  beforeAll(async () => {
    backend = await makeBackend();
    const extra = typeof env === 'function' ? env() : env;
    for (let i = 0; i < count; i++)
      servers.push(await startServer({ storageUrl: backend.url, env: { ...backend.env, ...extra } }));
  });

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.kill()));
    await backend?.drop();
  });

  return {
    servers,
    get server() {
      if (!servers.length) throw new Error('the servers start in beforeAll: use them inside tests and hooks');
      return servers[0];
    },
  };
}
