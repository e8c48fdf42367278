import { acceptsJson } from './accept';

describe('Accept header', () => {
  it.each([
    [undefined, true],
    ['application/json', true],
    ['text/html, application/*;q=0.5', true],
    ['*/*', true],
    ['application/xml', false],
    ['application/json;q=0', false],
  ])('%s → %s', (accept, expected) => {
    expect(acceptsJson(accept)).toBe(expected);
  });
});
