import { MAX_JSON_DEPTH } from '../common/json-depth';
import { parseFrame, requestOf } from './zaqar-frame';

describe('requestOf', () => {
  const headers = { 'Client-ID': 'c', 'X-Project-ID': 'p' };

  it('names the action after the event and takes headers and body from the payload', () => {
    expect(requestOf('queue_get', { headers, body: { queue_name: 'q' } })).toEqual({
      request: { action: 'queue_get', headers, body: { queue_name: 'q' } },
      wellFormed: true,
    });
  });

  it('accepts a payload without a body, as a WebSocket frame may omit it', () => {
    expect(requestOf('ping_node', { headers })).toEqual({
      request: { action: 'ping_node', headers, body: {} },
      wellFormed: true,
    });
  });

  it.each([['not an object'], [[1, 2]], [undefined], [{ headers: 'x' }], [{ headers, body: [1] }]])(
    'is not well formed for the payload %j, and echoes only its object parts',
    (payload) => {
      const { request, wellFormed } = requestOf('queue_list', payload);
      expect(wellFormed).toBe(false);
      expect(request.action).toBe('queue_list');
      expect([request.headers, request.body].every((part) => typeof part === 'object' && !Array.isArray(part))).toBe(
        true,
      );
    },
  );

  it('is not well formed, and echoes nothing of it, for a payload nested too deep to write back', () => {
    const deep = JSON.parse(
      `{"headers": {}, "body": {"messages": ${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}}}`,
    );
    expect(requestOf('message_post', deep)).toEqual({
      request: { action: 'message_post', headers: {}, body: {} },
      wellFormed: false,
    });
  });

  it('parses a text frame into the same request', () => {
    const frame = { action: 'queue_get', headers, body: { queue_name: 'q' } };
    expect(parseFrame(Buffer.from(JSON.stringify(frame)), false)).toEqual(requestOf('queue_get', frame));
  });
});
