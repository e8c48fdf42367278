import { randomUUID } from 'node:crypto';

/** A JSON client for one project and Client-ID, over global fetch (keep-alive). */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly project = `p-${randomUUID()}`,
    readonly clientId: string = randomUUID(),
  ) {}

  async request(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: any; headers: Headers }> {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: { 'Content-Type': 'application/json', 'X-Project-ID': this.project, 'Client-ID': this.clientId },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
  }

  /** The same project seen through another server process or as another client. */
  with(options: { baseUrl?: string; clientId?: string }): ApiClient {
    return new ApiClient(options.baseUrl ?? this.baseUrl, this.project, options.clientId ?? randomUUID());
  }
}

export function idFromHref(href: string): string {
  return href.split('?')[0].split('/').pop()!;
}
