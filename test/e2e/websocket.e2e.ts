import { randomUUID } from 'node:crypto';
import type * as net from 'node:net';
import { BACKENDS } from '../support/backends';
import { protocolScenarios, socketServer } from '../support/socket-scenarios';
import { type Frame, ZaqarSocket } from '../support/zaqar-socket';

describe.each(BACKENDS)("Zaqar's WebSocket protocol [%s]", (_name, makeBackend) => {
  const { server, wsPort } = socketServer(makeBackend);

  describe('every action, as over any socket transport', () => {
    protocolScenarios(server, async () => {
      const ws = await ZaqarSocket.open(wsPort());
      return {
        call: (action: string, headers: Frame, body: Frame = {}) => ws.call({ action, headers, body }),
        pushes: ws.pushes,
        close: () => ws.close(),
      };
    });
  });

  describe('frames', () => {
    let ws: ZaqarSocket;
    let headers: Record<string, string>;

    beforeEach(async () => {
      ws = await ZaqarSocket.open(wsPort());
      headers = { 'Client-ID': randomUUID(), 'X-Project-ID': `p-${randomUUID().slice(0, 8)}` };
    });
    afterEach(() => ws.close());

    it('bad frames get an error answer and the connection stays open', async () => {
      const notJson = await ws.raw('{not json');
      expect([notJson.headers.status, notJson.body.error]).toEqual([
        400,
        expect.stringMatching(/^Can't decode text \(JSON\) request\./),
      ]);
      expect((await ws.raw('[1, 2]')).body).toEqual({ error: 'Unexpected body type. Expected dict or dict like.' });
      expect((await ws.raw(Buffer.from([0x81, 0xa1, 0x61]), true)).headers.status).toBe(400);
      const schemaFailed = { error: 'Schema validation failed.' };
      expect((await ws.call({ action: 'queue_list' })).body).toEqual(schemaFailed);
      expect((await ws.call({ action: 'queue_list', headers, body: 'x' })).body).toEqual(schemaFailed);
      const huge = await ws.call({
        action: 'message_post',
        headers,
        body: { queue_name: 'big', messages: [{ body: 'x'.repeat(2 * 1024 * 1024) }] },
      });
      expect([huge.headers.status, huge.body.error]).toEqual([400, expect.stringMatching(/^Frame too large/)]);
      expect((await ws.call({ action: 'queue_list', headers, body: {} })).headers.status).toBe(200);
    });

    it('a frame too large to buffer closes the connection with 1009', async () => {
      ws.socket.send(JSON.stringify({ action: 'queue_list', headers, body: { pad: 'x'.repeat(5 * 1024 * 1024) } }));
      expect(await ws.closed).toBe(1009);
    });

    it('a client that stops reading its answers is dropped once they pile up', async () => {
      const big = 'x'.repeat(200_000);
      for (let i = 0; i < 10; i++) {
        await ws.call({ action: 'message_post', headers, body: { queue_name: 'heavy', messages: [{ body: big }] } });
      }
      const tcp = (ws.socket as unknown as { _socket: net.Socket })._socket;
      tcp.pause();
      // each answer is about 2 MB; the server keeps at most 8 MB unread for a client
      const frame = JSON.stringify({ action: 'message_list', headers, body: { queue_name: 'heavy', echo: true } });
      for (let i = 0; i < 20; i++) ws.socket.send(frame);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      tcp.resume();
      expect(await ws.closed).toBe(1006);
    });

    it('a client that floods requests faster than they are answered is dropped', async () => {
      const frame = JSON.stringify({ action: 'queue_list', headers, body: {} });
      for (let i = 0; i < 5000; i++) ws.socket.send(frame);
      expect(await ws.closed).toBe(1008);
      const fresh = await ZaqarSocket.open(wsPort());
      expect((await fresh.call({ action: 'queue_list', headers, body: {} })).headers.status).toBe(200);
      fresh.close();
    });
  });
});
