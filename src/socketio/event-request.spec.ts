import { eventRequest } from './event-request';

describe('eventRequest', () => {
  const headers = { 'Client-ID': 'c', 'X-Project-ID': 'p' };

  it('names the action after the event and takes headers and body from the payload', () => {
    expect(eventRequest('queue_get', { headers, body: { queue_name: 'q' } })).toEqual({
      request: { action: 'queue_get', headers, body: { queue_name: 'q' } },
      wellFormed: true,
    });
  });

  it('accepts a payload without a body, as a WebSocket frame may omit it', () => {
    expect(eventRequest('ping_node', { headers })).toEqual({
      request: { action: 'ping_node', headers, body: {} },
      wellFormed: true,
    });
  });

  it.each([['not an object'], [[1, 2]], [undefined], [{ headers: 'x' }], [{ headers, body: [1] }]])(
    'is not well formed for the payload %j, and echoes only its object parts',
    (payload) => {
      const { request, wellFormed } = eventRequest('queue_list', payload);
      expect(wellFormed).toBe(false);
      expect(request.action).toBe('queue_list');
      expect([request.headers, request.body].every((part) => typeof part === 'object' && !Array.isArray(part))).toBe(
        true,
      );
    },
  );
});
