/**
 * The methods each route pattern answers, recorded as routes register, so an unknown method on a
 * known path gets 405 with an Allow header (as Zaqar gives) instead of 404.
 */
export class RouteTable {
  private readonly routes: Array<{ url: string; pattern: RegExp; methods: Set<string> }> = [];

  add(url: string, methods: string | string[]): void {
    const pattern = new RegExp(`^${url.replace(/\/$/, '').replace(/:[^/]+/g, '[^/]+')}/?$`);
    let route = this.routes.find((r) => r.pattern.source === pattern.source);
    if (!route) this.routes.push((route = { url, pattern, methods: new Set() }));
    for (const method of [methods].flat()) route.methods.add(method);
  }

  /** Methods allowed on this path; empty when no route matches it at all. */
  allowed(path: string): string[] {
    const route = this.routes.find((r) => r.pattern.test(path));
    return route ? [...route.methods].sort() : [];
  }

  /** Every route served, as its template (/v2/queues/:queue) was first registered, with its methods. */
  served(): Array<{ url: string; methods: string[] }> {
    return this.routes.map(({ url, methods }) => ({ url, methods: [...methods].sort() }));
  }
}

export const ROUTES = new RouteTable();
