import * as os from 'node:os';
import { sqliteBackend, TestBackend } from '../support/backends';
import { startServer, StartedServer } from '../support/server';

describe('starting the server', () => {
  let backend: TestBackend;
  let server: StartedServer | undefined;

  beforeAll(async () => {
    backend = await sqliteBackend();
  });

  afterAll(async () => {
    await server?.kill();
    await backend?.drop();
  });

  it('works from any working directory, with the policy.json it ships in force', async () => {
    server = await startServer({ storageUrl: backend.url, cwd: os.tmpdir() });
    const headers = { 'X-Project-ID': 'p', 'Client-ID': '3381af92-2b9e-11e3-b191-71861300734c' };
    expect((await fetch(`${server.url}/v2/ping`, { headers })).status).toBe(204);
    // health:get is admin-only in the shipped policy: a refusal shows the policy was loaded
    const health = await fetch(`${server.url}/v2/health`, { headers });
    expect(health.status).toBe(403);
    expect(await health.json()).toEqual({
      title: 'Not authorized',
      description: 'health:get is disallowed by policy.',
    });
  });
});
