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
 * before its tests and stopped (store dropped) after them.
 */
export function serversOnFreshStore(
  makeBackend: () => Promise<TestBackend>,
  count = 1,
  env: Record<string, string> = {},
): ServersOnStore {
  let backend: TestBackend | undefined;
  const servers: StartedServer[] = [];

  beforeAll(async () => {
    backend = await makeBackend();
    for (let i = 0; i < count; i++)
      servers.push(await startServer({ storageUrl: backend.url, env: { ...backend.env, ...env } }));
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
