import { KeystoneHarnessError } from './keystone-process';

/** A project to scope a token to, by name in a domain (Keystone's "Default" unless said). */
export interface ProjectScope {
  name: string;
  domainName?: string;
}

/** The few Keystone v3 admin calls the harness needs, over plain fetch. */
export class KeystoneApi {
  constructor(
    readonly authUrl: string,
    private readonly timeoutMs = 15_000,
  ) {}

  /** Password authentication; returns the X-Subject-Token. Unscoped when `project` is omitted. */
  async passwordToken(username: string, password: string, project?: ProjectScope): Promise<string> {
    const auth: Record<string, unknown> = {
      identity: {
        methods: ['password'],
        password: { user: { name: username, domain: { name: 'Default' }, password } },
      },
    };
    if (project) auth.scope = { project: { name: project.name, domain: { name: project.domainName ?? 'Default' } } };
    const res = await this.send('POST', '/auth/tokens?nocatalog', undefined, { auth });
    const token = res.headers.get('x-subject-token');
    if (!token) throw new KeystoneHarnessError('Keystone issued a token without X-Subject-Token');
    return token;
  }

  async revoke(adminToken: string, token: string): Promise<void> {
    await this.send('DELETE', '/auth/tokens', adminToken, undefined, { 'X-Subject-Token': token });
  }

  /** Names `url` in the catalog as the public RegionOne endpoint of a new service of `type`. */
  async addService(adminToken: string, type: string, name: string, url: string): Promise<void> {
    const { service } = await this.call('POST', '/services', adminToken, { service: { type, name } });
    await this.call('POST', '/endpoints', adminToken, {
      endpoint: { service_id: service.id, interface: 'public', region_id: 'RegionOne', url },
    });
  }

  async call(method: string, path: string, token: string, body?: unknown): Promise<any> {
    const res = await this.send(method, path, token, body);
    const text = await res.text();
    return text ? JSON.parse(text) : null;
  }

  private async send(
    method: string,
    path: string,
    token: string | undefined,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    const res = await fetch(this.authUrl + path, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(token ? { 'X-Auth-Token': token } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!res.ok) {
      throw new KeystoneHarnessError(`Keystone ${method} ${path} answered ${res.status}: ${await res.text()}`);
    }
    return res;
  }
}
