import {
  bodyToJson,
  compareSeq,
  isUuid,
  parseSeqMarker,
  sqlInteger,
  toMessageRecord,
  toRecordsInQueueOrder,
  validUuids,
} from './pg-values';

describe('pg values', () => {
  it('isUuid accepts the canonical lower-case form and nothing else', () => {
    expect(isUuid('0f8fad5b-d9cb-469f-a165-70867728950e')).toBe(true);
    expect(isUuid('0F8FAD5B-D9CB-469F-A165-70867728950E')).toBe(false);
    for (const bad of [
      '',
      'abc',
      '0f8fad5bd9cb469fa16570867728950e',
      '{0f8fad5b-d9cb-469f-a165-70867728950e}',
      "0f8fad5b-d9cb-469f-a165-70867728950e' --",
      '0f8fad5b-d9cb-469f-a165-70867728950',
      42,
      null,
      undefined,
    ]) {
      expect(isUuid(bad)).toBe(false);
    }
  });

  it('validUuids keeps the valid ids once each, in first-seen order', () => {
    const a = '0f8fad5b-d9cb-469f-a165-70867728950e';
    const b = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
    expect(validUuids([b, 'junk', a.toUpperCase(), b, a])).toEqual([b, a]);
    expect(validUuids([])).toEqual([]);
  });

  it('a seq marker is a decimal that fits a bigint; anything else means from the start', () => {
    expect(parseSeqMarker('42')).toBe('42');
    expect(parseSeqMarker('9223372036854775807')).toBe('9223372036854775807');
    for (const bad of [undefined, null, '', '-1', '1e3', '1.5', ' 1', 'abc', '9223372036854775808', '1'.repeat(25)]) {
      expect(parseSeqMarker(bad)).toBe('0');
    }
  });

  it('rows map to records with numeric times, sorted by seq as numbers, not strings', () => {
    const row = (seq: string) => ({
      id: `id-${seq}`,
      body: { seq },
      ttl: 60,
      created: '1700000000123',
      claim_id: null,
      claim_count: 0,
      seq,
    });
    expect(toMessageRecord(row('1'))).toEqual({
      id: 'id-1',
      body: { seq: '1' },
      ttl: 60,
      created: 1700000000123,
      claimId: null,
      claimCount: 0,
    });
    expect(toRecordsInQueueOrder([row('10'), row('9'), row('100')]).map((m) => m.id)).toEqual([
      'id-9',
      'id-10',
      'id-100',
    ]);
    expect(compareSeq({ seq: '2' }, { seq: '2' })).toBe(0);
  });

  it('bodies become JSON text; a missing body is null', () => {
    expect(bodyToJson({ b: 1, a: [null] })).toBe('{"b":1,"a":[null]}');
    expect(bodyToJson(undefined)).toBe('null');
    expect(bodyToJson('x')).toBe('"x"');
  });

  it('sqlInteger passes integers through and refuses everything else', () => {
    expect(sqlInteger(1700000000123)).toBe('1700000000123');
    expect(sqlInteger('-5')).toBe('-5');
    expect(sqlInteger('9223372036854775807')).toBe('9223372036854775807');
    for (const bad of [1.5, Number.NaN, Infinity, '1; DROP TABLE messages', '', '1e3', 2 ** 60]) {
      expect(() => sqlInteger(bad)).toThrow(RangeError);
    }
  });
});
