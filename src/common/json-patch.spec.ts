import { Conflict, InvalidRequestBody } from './errors';
import { applyMetadataPatch, parseMetadataPatch } from './json-patch';

describe('queue metadata JSON patch', () => {
  it('parses add, replace and remove on /metadata/<key>, decoding ~0 and ~1', () => {
    const changes = parseMetadataPatch([
      { op: 'add', path: '/metadata/a~1b', value: 1 },
      { op: 'replace', path: '/metadata/x~0y', value: 'v' },
      { op: 'remove', path: '/metadata/gone' },
    ]);
    expect(changes).toEqual([
      { op: 'add', key: 'a/b', value: 1 },
      { op: 'replace', key: 'x~y', value: 'v' },
      { op: 'remove', key: 'gone' },
    ]);
  });

  it.each([
    [{}, 'Request body must be a JSON array of operation objects.'],
    [[1], 'Operations must be JSON objects.'],
    [
      [{ path: '/metadata/a' }],
      'Unable to find `op` in JSON Schema change. It must be one of the following: add, remove, replace.',
    ],
    [
      [{ op: 'move', path: '/metadata/a' }],
      'Invalid operation: `move`. It must be one of the following: add, remove, replace.',
    ],
    [[{ op: 'add', value: 1 }], "Unable to find 'path' in JSON Schema change"],
    [[{ op: 'add', path: 'metadata/a', value: 1 }], 'Pointer `metadata/a` does not start with "/".'],
    [
      [{ op: 'add', path: '/metadata', value: 1 }],
      "Invalid JSON pointer for this resource: '/metadata, e.g /metadata/key'",
    ],
    [[{ op: 'add', path: '/other/a', value: 1 }], 'The root of path must be metadata, e.g /metadata/key.'],
    [[{ op: 'add', path: '/metadata/a' }], 'Operation "add" requires a member named "value".'],
    [
      [{ op: 'add', path: '/metadata/a~2', value: 1 }],
      'Pointer `/metadata/a~2` contains "~" not part of a recognized escape sequence.',
    ],
  ])('rejects %j with Zaqar wording', (document, description) => {
    expect(() => parseMetadataPatch(document)).toThrow(new InvalidRequestBody(description));
  });

  it('conflicts when replacing or removing a missing key, but not a reserved one', () => {
    const reserved = { _default_message_ttl: 3600 };
    expect(() => applyMetadataPatch({}, [{ op: 'replace', key: 'a', value: 1 }], reserved)).toThrow(Conflict);
    expect(() => applyMetadataPatch({}, [{ op: 'remove', key: 'a' }], reserved)).toThrow(Conflict);
    expect(applyMetadataPatch({}, [{ op: 'replace', key: '_default_message_ttl', value: 60 }], reserved)).toEqual({
      _default_message_ttl: 60,
    });
    expect(
      applyMetadataPatch(
        { a: 1 },
        [
          { op: 'remove', key: '_default_message_ttl' },
          { op: 'remove', key: 'a' },
        ],
        reserved,
      ),
    ).toEqual({});
  });
});
