import type { Settings } from '../config/settings';
import { createSignature } from '../identity/signed-url/signed-url';
import { SocketAuthentication } from './socket-authentication';
import { SocketSession } from './socket-session';
import { frameHeaders, type ZaqarRequest } from './zaqar-frame';

describe('SocketAuthentication with Keystone, signed URLs on frames', () => {
  const key = 'socket-signing-key';
  const settings = { authStrategy: 'keystone', signedUrlSecretKey: key } as Settings;
  const authentication = new SocketAuthentication(settings);
  const session = new SocketSession(
    () => undefined,
    () => undefined,
  );
  const signed = createSignature(key, ['/v2/queues/orders/messages'], {
    project: 'p1',
    methods: ['GET', 'DELETE'],
    expires: '2099-01-01T00:00:00',
  });
  const headers = {
    'Client-ID': '3381af92-2b9e-11e3-b191-71861300734c',
    'X-Project-ID': 'p1',
    'URL-Signature': signed.signature,
    'URL-Expires': signed.expires,
    'URL-Methods': signed.methods.join(','),
    'URL-Paths': signed.paths.join(','),
  };
  const identify = (action: string, body: Record<string, unknown>) => {
    const request: ZaqarRequest = { action, headers, body };
    return authentication.identify(session, request, frameHeaders(headers));
  };

  it("acts as the signed project for the signed queue's message actions", () => {
    expect(identify('message_list', { queue_name: 'orders' })).toEqual({ project: 'p1', roles: [], isAdmin: false });
    expect(identify('message_delete', { queue_name: 'orders', message_id: 'm1' })?.project).toBe('p1');
  });

  it('refuses another queue, even with the signed path spelled inside a message id', () => {
    expect(identify('message_list', { queue_name: 'archive' })).toBeUndefined();
    const smuggled = { queue_name: 'archive', message_id: 'x/v2/queues/orders/messages' };
    expect(identify('message_get', smuggled)).toBeUndefined();
    expect(identify('message_delete', smuggled)).toBeUndefined();
  });
});
