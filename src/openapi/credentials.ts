import type { SecurityRequirementObject, SecuritySchemeObject } from '@nestjs/swagger';

const header = (name: string, description: string): SecuritySchemeObject => ({
  type: 'apiKey',
  in: 'header',
  name,
  description,
});

/** The headers a caller proves who it is with, one scheme each, as the identity guard reads them. */
export const SECURITY_SCHEMES: Record<string, SecuritySchemeObject> = {
  keystone: header('X-Auth-Token', 'With AUTH_STRATEGY=keystone: a Keystone token, whose scope gives the project.'),
  project: header('X-Project-ID', 'With noauth (the default): the project the request acts in.'),
  roles: header('X-Roles', 'With noauth: the caller\'s roles, comma-separated ("admin" for pools, flavors, health).'),
  'url-signature': header(
    'URL-Signature',
    'A pre-signed URL (POST /v2/queues/{queue}/share): its signature. One that fails answers 404.',
  ),
  'url-expires': header('URL-Expires', 'A pre-signed URL: its expiry.'),
  'url-methods': header('URL-Methods', 'A pre-signed URL: the methods it covers, comma-separated.'),
  'url-paths': header('URL-Paths', 'A pre-signed URL: the paths it covers, comma-separated.'),
  'metrics-token': {
    type: 'http',
    scheme: 'bearer',
    description: 'GET /metrics only: the METRICS_TOKEN the server is configured with, for scrapers.',
  },
};

/** Any one of these satisfies the identity guard: a token, trusted headers, or a signed URL. */
export const CREDENTIALS: SecurityRequirementObject[] = [
  { keystone: [] },
  { project: [] },
  { project: [], roles: [] },
  { 'url-signature': [], 'url-expires': [], 'url-methods': [], 'url-paths': [], project: [] },
];
