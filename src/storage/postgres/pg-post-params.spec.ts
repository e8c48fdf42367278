import { encodePost, joinPosts, quoteArrayElement } from './pg-post-params';

describe('post parameters', () => {
  it('quotes array elements so that quotes, backslashes, commas and braces stay inside one string', () => {
    expect(quoteArrayElement('plain')).toBe('"plain"');
    expect(quoteArrayElement('a "b" \\c\\')).toBe('"a \\"b\\" \\\\c\\\\"');
    expect(quoteArrayElement('{x,y}')).toBe('"{x,y}"');
    expect(quoteArrayElement('NULL')).toBe('"NULL"');
  });

  it('joins the posts of a batch into one parameter per column, messages in order', () => {
    const first = encodePost(
      ['id-1', 'id-2'],
      'client "a"',
      [
        { body: { n: 1 }, ttl: 60, delay: 0 },
        { body: 'two, "quoted"', ttl: 120, delay: 30 },
      ],
      1000,
    );
    const second = encodePost(['id-3'], 'b', [{ body: undefined, ttl: 300, delay: 5 }], 2000);
    expect(joinPosts([first, second])).toEqual([
      '{id-1,id-2,id-3}',
      '{"client \\"a\\"","client \\"a\\"","b"}',
      '[{"n":1},"two, \\"quoted\\"",null]',
      '{60,120,300}',
      '{0,30,5}',
      '{1000,1000,2000}',
    ]);
  });
});
