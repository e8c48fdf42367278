import { MAX_JSON_DEPTH } from './json-depth';
import { MALFORMED_JSON, parseJsonBody } from './request-body';

const body = (text: string) => parseJsonBody(Buffer.from(text));
const messagesWithBodyOfDepth = (depth: number) => `{"messages": [{"body": ${'['.repeat(depth)}${']'.repeat(depth)}}]}`;

describe('parseJsonBody', () => {
  it('reads a document nested as deep as the limit allows', () => {
    const document = body(messagesWithBodyOfDepth(MAX_JSON_DEPTH - 3)) as { messages: Array<{ body: unknown }> };
    expect(Array.isArray(document.messages[0].body)).toBe(true);
  });

  it('takes a document nested deeper for malformed, before anything walks it', () => {
    expect(body(messagesWithBodyOfDepth(MAX_JSON_DEPTH - 2))).toBe(MALFORMED_JSON);
    expect(body(messagesWithBodyOfDepth(400_000))).toBe(MALFORMED_JSON);
  });
});
