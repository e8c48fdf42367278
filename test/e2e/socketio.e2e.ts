import { randomUUID } from 'node:crypto';
import { BACKENDS, sqliteBackend } from '../support/backends';
import { serversOnFreshStore } from '../support/lifecycle';
import { protocolScenarios, socketServer } from '../support/socket-scenarios';
import { until } from '../support/wait';
import { ZaqarSocket } from '../support/zaqar-socket';
import { type Payload, ZaqarSocketio } from '../support/zaqar-socketio';
import { ZaqarClient } from './client';

describe.each(BACKENDS)("Zaqar's socket protocol over Socket.IO [%s]", (_name, makeBackend) => {
  const { server, wsPort } = socketServer(makeBackend);

  describe('every action, as over any socket transport', () => {
    protocolScenarios(server, async () => {
      const sio = await ZaqarSocketio.open(server().port);
      return {
        call: (action, headers, body = {}) => sio.call(action, headers, body),
        pushes: sio.pushes,
        close: () => sio.close(),
      };
    });
  });

  describe('events', () => {
    let sio: ZaqarSocketio;
    let headers: Record<string, string>;
    let rest: ZaqarClient;

    beforeEach(async () => {
      sio = await ZaqarSocketio.open(server().port);
      headers = { 'Client-ID': randomUUID(), 'X-Project-ID': `p-${randomUUID().slice(0, 8)}` };
      rest = new ZaqarClient(server().url, headers['X-Project-ID']);
    });
    afterEach(() => sio.close());

    const act = (action: string, body: Payload = {}, extra: Payload = {}) =>
      sio.call(action, { ...headers, ...extra }, body);

    it('a socket subscription is pushed messages posted over the other socket transport too, as notification events', async () => {
      const created = await act('subscription_create', { queue_name: 'live', ttl: 600 });
      expect(created.headers.status).toBe(201);
      const id = created.body.subscription_id as string;
      await rest.postMessages('live', [{ body: 'over rest', ttl: 60 }]);
      const ws = await ZaqarSocket.open(wsPort());
      await ws.call({ action: 'message_post', headers, body: { queue_name: 'live', messages: [{ body: 'over ws' }] } });
      ws.close();
      await rest.otherProject().postMessages('live', [{ body: 'not yours' }]);
      await until(() => sio.pushes.length === 2);
      expect(sio.pushes).toEqual([
        { body: 'over rest', ttl: 60, queue_name: 'live', Message_Type: 'Notification' },
        { body: 'over ws', ttl: 3600, queue_name: 'live', Message_Type: 'Notification' },
      ]);
      sio.close();
      await until(async () => (await rest.get(`/v2/queues/live/subscriptions/${id}`)).status === 404);
      const after = await ZaqarSocketio.open(server().port);
      expect(
        (await after.call('subscription_get', headers, { queue_name: 'live', subscription_id: id })).headers,
      ).toEqual({ status: 404 });
      after.close();
    });

    it('payloads that are not objects, or whose headers or body are not, fail the schema; the connection stays', async () => {
      expect(await act('queue_explode')).toEqual({
        request: { action: 'queue_explode', headers, body: {}, api: 'v2' },
        body: { error: 'queue_explode is not a valid action' },
        headers: { status: 400 },
      });
      const schemaFailed = { error: 'Schema validation failed.' };
      expect((await sio.emit('queue_list', 'not an object')).body).toEqual(schemaFailed);
      expect((await sio.emit('queue_list', { headers: 'x', body: {} })).body).toEqual(schemaFailed);
      expect((await sio.emit('queue_list', { headers, body: [1] })).body).toEqual(schemaFailed);
      expect((await sio.emit('queue_list', { body: {} })).body).toEqual(schemaFailed);
      expect((await act('queue_list')).headers.status).toBe(200);
    });

    it('an event sent without an acknowledgement callback is answered with a response event', async () => {
      const answered = new Promise<any>((resolve) => sio.socket.once('response', resolve));
      sio.socket.emit('ping_node', { headers });
      expect(await answered).toEqual({
        request: { action: 'ping_node', headers, body: {}, api: 'v2' },
        body: {},
        headers: { status: 204 },
      });
    });

    it('REST on the same port is unaffected, and Socket.IO answers on the WebSocket transport only', async () => {
      await act('queue_create', { queue_name: 'shared' });
      const listed = await rest.get('/v2/queues');
      expect([listed.status, listed.body.queues.map((q: Payload) => q.name)]).toEqual([200, ['shared']]);
      const polling = await fetch(`${server().url}/socket.io/?EIO=4&transport=polling`);
      expect([polling.status, await polling.json()]).toEqual([400, { code: 0, message: 'Transport unknown' }]);
    });

    it('a payload over the size limit drops the connection; the server goes on serving', async () => {
      // ws refuses the frame (maxHttpBufferSize) before any of it is parsed
      sio.socket.emit('message_post', {
        headers,
        body: { queue_name: 'huge', messages: [{ body: 'x'.repeat(2_000_000) }] },
      });
      expect(await sio.disconnected).toBe('transport close');
      const fresh = await ZaqarSocketio.open(server().port);
      expect((await fresh.call('queue_list', headers)).headers.status).toBe(200);
      fresh.close();
      expect((await rest.get('/v2/queues')).status).toBe(200);
    });

    it('a client that floods requests faster than they are answered is disconnected', async () => {
      for (let i = 0; i < 5000; i++) sio.socket.emit('queue_list', { headers, body: {} }, () => undefined);
      expect(await sio.disconnected).toBe('io server disconnect');
      const fresh = await ZaqarSocketio.open(server().port);
      expect((await fresh.call('queue_list', headers)).headers.status).toBe(200);
      fresh.close();
    });

    it('a client that leaves its answers unread is dropped, and its socket subscriptions end', async () => {
      const big = 'x'.repeat(100_000);
      for (let i = 0; i < 5; i++) await rest.postMessages('unread', [{ body: big }, { body: big }]);
      const id = (await act('subscription_create', { queue_name: 'unread', ttl: 600 })).body.subscription_id as string;
      // stop reading: the server's answers (about 1 MB each) pile up behind a full TCP window
      const tcp = (sio.socket.io.engine.transport as unknown as { ws: { _socket: { pause(): void; resume(): void } } })
        .ws._socket;
      tcp.pause();
      for (let i = 0; i < 100; i++)
        sio.socket.emit('message_list', { headers, body: { queue_name: 'unread', echo: true } });
      await until(async () => (await rest.get(`/v2/queues/unread/subscriptions/${id}`)).status === 404, 20_000);
      tcp.resume();
      expect(await sio.disconnected).toBe('transport close');
    });
  });
});

describe('SOCKETIO=off', () => {
  const run = serversOnFreshStore(sqliteBackend, 1, { SOCKETIO: 'off' });

  it('serves no Socket.IO: its path is an unknown REST route', async () => {
    const polling = await fetch(`${run.server.url}/socket.io/?EIO=4&transport=polling`);
    expect(polling.status).toBe(404);
    await expect(ZaqarSocketio.open(run.server.port)).rejects.toThrow();
  });
});
