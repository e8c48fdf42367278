import type { Answer } from './http-send';
import type { Known, Space } from './known';

const lastSegment = (href: string) => href.split('?')[0].split('/').pop()!;
const claimOf = (href: string) => /[?&]claim_id=([^&]+)/.exec(href)?.[1];

function parsed(body: Buffer): any {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

function decoded(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** What a successful REST answer tells of the server's resources: ids to point later requests at. */
export function learnFromHttp(method: string, target: string, answer: Answer, known: Known): void {
  if (answer.status < 200 || answer.status >= 300) return;
  const path = target.split('?')[0].replace(/\/+$/, '');
  const admin = /^\/v2\/(pools|flavors)\/([^/]+)$/.exec(path);
  if (admin && method === 'PUT' && answer.status === 201) {
    const name = decoded(admin[2]);
    if (name !== undefined && admin[1] === 'pools') known.pool(name);
    if (name !== undefined && admin[1] === 'flavors') known.flavor(name);
    return;
  }
  const match = /^\/(?:v2|v1\.1)\/(queues|topics)\/([^/]+)(\/[a-z]+)?(?:\/[^/]+)?$/.exec(path);
  const queue = match ? decoded(match[2]) : undefined;
  if (!match || queue === undefined) return;
  const space = match[1] as Space;
  const resource = match[3] ?? '';
  const body = parsed(answer.body);
  if (resource === '' && method === 'PUT') known.queue(space, queue);
  if (resource === '/messages' && method === 'POST' && Array.isArray(body?.resources)) {
    for (const href of body.resources) known.item('messages', { space, queue, id: lastSegment(String(href)) });
  }
  if (resource === '/messages' && method === 'GET' && Array.isArray(body?.messages)) {
    for (const message of body.messages) {
      if (typeof message?.id === 'string') known.item('messages', { space, queue, id: message.id });
    }
    const next = (body.links ?? []).find((link: any) => link?.rel === 'next')?.href;
    const marker = typeof next === 'string' ? /[?&]marker=([^&]+)/.exec(next)?.[1] : undefined;
    if (marker) known.marker(marker);
  }
  if (resource === '/claims' && method === 'POST' && answer.headers.location) {
    const claimId = lastSegment(answer.headers.location);
    known.item('claims', { space, queue, id: claimId });
    for (const message of body?.messages ?? []) {
      if (typeof message?.href === 'string') {
        known.item('messages', { space, queue, id: lastSegment(message.href), claimId: claimOf(message.href) });
      }
    }
  }
  if (resource === '/subscriptions' && method === 'POST' && typeof body?.subscription_id === 'string') {
    known.item('subscriptions', { space, queue, id: body.subscription_id });
  }
  if (resource === '/share' && typeof body?.signature === 'string') {
    known.signedUrl({
      'URL-Signature': body.signature,
      'URL-Expires': String(body.expires),
      'URL-Methods': [].concat(body.methods ?? []).join(','),
      'URL-Paths': [].concat(body.paths ?? []).join(','),
      'X-Project-ID': String(body.project),
    });
  }
}

/** The same from a socket answer: `{request: {action, body}, body, headers: {status}}`. */
export function learnFromSocket(answer: any, known: Known): void {
  const status = answer?.headers?.status;
  if (typeof status !== 'number' || status < 200 || status >= 300) return;
  const action: string = String(answer.request?.action ?? '');
  const space: Space = action.startsWith('topic_') ? 'topics' : 'queues';
  const queue = answer.request?.body?.[space === 'topics' ? 'topic_name' : 'queue_name'];
  if (typeof queue !== 'string') return;
  const body = answer.body;
  if (/^(queue|topic)_create$/.test(action)) known.queue(space, queue);
  for (const id of Array.isArray(body?.message_ids) ? body.message_ids : [])
    known.item('messages', { space, queue, id: String(id) });
  if (typeof body?.claim_id === 'string') {
    known.item('claims', { space, queue, id: body.claim_id });
    for (const message of body.messages ?? []) {
      if (typeof message?.id === 'string')
        known.item('messages', { space, queue, id: message.id, claimId: body.claim_id });
    }
  }
  if (typeof body?.subscription_id === 'string')
    known.item('subscriptions', { space, queue, id: body.subscription_id });
}
