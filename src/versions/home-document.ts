/**
 * The home documents (draft-nottingham-json-home) of v2 and v1.1, listing the resources this server
 * serves. A feature adds its rels here when it lands, so a document never promises what is missing.
 */
interface Rel {
  template: string;
  allow: string[];
  /** Template variables whose parameter name is not simply `param/<variable>`. */
  params?: Record<string, string>;
  acceptsPost?: boolean;
  /** Zaqar gives its admin rels a plain `href` rather than a template. */
  plainHref?: boolean;
}

const RELS: Record<string, Rel> = {
  queues: { template: '/v2/queues{?marker,limit,detailed}', allow: ['GET'], params: { limit: 'queue_limit' } },
  queue: { template: '/v2/queues/{queue_name}', allow: ['GET', 'PUT', 'DELETE', 'PATCH'] },
  queue_stats: { template: '/v2/queues/{queue_name}/stats', allow: ['GET'] },
  queue_share: { template: '/v2/queues/{queue_name}/share', allow: ['POST'], acceptsPost: true },
  queue_purge: { template: '/v2/queues/{queue_name}/purge', allow: ['POST'], acceptsPost: true },
  messages: {
    template: '/v2/queues/{queue_name}/messages{?marker,limit,echo,include_claimed}',
    allow: ['GET'],
    params: { limit: 'messages_limit' },
  },
  post_messages: { template: '/v2/queues/{queue_name}/messages', allow: ['POST'], acceptsPost: true },
  messages_delete: { template: '/v2/queues/{queue_name}/messages{?ids,pop}', allow: ['DELETE'] },
  message_delete: {
    template: '/v2/queues/{queue_name}/messages/{message_id}{?claim}',
    allow: ['DELETE'],
    params: { claim: 'claim_id' },
  },
  message_get: { template: '/v2/queues/{queue_name}/messages/{message_id}', allow: ['GET'] },
  claim: { template: '/v2/queues/{queue_name}/claims/{claim_id}', allow: ['GET'] },
  post_claim: {
    template: '/v2/queues/{queue_name}/claims{?limit}',
    allow: ['POST'],
    params: { limit: 'claim_limit' },
    acceptsPost: true,
  },
  patch_claim: { template: '/v2/queues/{queue_name}/claims/{claim_id}', allow: ['PATCH'], acceptsPost: true },
  delete_claim: { template: '/v2/queues/{queue_name}/claims/{claim_id}', allow: ['DELETE'] },
  ping: { template: '/v2/ping', allow: ['GET'] },
  health: { template: '/v2/health', allow: ['GET'], plainHref: true },
};

function templateVariables(template: string): string[] {
  return [...template.matchAll(/\{\??([^}]+)\}/g)].flatMap((match) => match[1].split(','));
}

function describe(rel: Rel) {
  const hrefVars = Object.fromEntries(
    templateVariables(rel.template).map((name) => [name, `param/${rel.params?.[name] ?? name}`]),
  );
  const hints: Record<string, unknown> = { allow: rel.allow, formats: { 'application/json': {} } };
  if (rel.acceptsPost) hints['accept-post'] = ['application/json'];
  const vars = Object.keys(hrefVars).length ? { 'href-vars': hrefVars } : {};
  const target = rel.plainHref ? { href: rel.template } : { 'href-template': rel.template, ...vars };
  return { ...target, hints };
}

function homeDocument(rels: Record<string, Rel>) {
  return {
    resources: Object.fromEntries(Object.entries(rels).map(([name, rel]) => [`rel/${name}`, describe(rel)])),
  };
}

export const HOME_DOCUMENT = homeDocument(RELS);

/** v1.1 has neither shares, purges nor single-message GET rels, and its queue rel allows PUT and DELETE. */
const V2_ONLY_RELS = ['queue_share', 'queue_purge', 'message_get'];

export const V1_1_HOME_DOCUMENT = homeDocument(
  Object.fromEntries(
    Object.entries(RELS)
      .filter(([name]) => !V2_ONLY_RELS.includes(name))
      .map(([name, rel]) => [
        name,
        {
          ...rel,
          template: rel.template.replace(/^\/v2\//, '/v1.1/'),
          allow: name === 'queue' ? ['PUT', 'DELETE'] : rel.allow,
        },
      ]),
  ),
);
