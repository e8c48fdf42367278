import { type MessageRow, parseMessageMarker, toMessageRecord, toRecordsBySeq } from './message-row';

const row = (seq: number, claim: Partial<MessageRow> = {}): MessageRow => ({
  seq,
  id: `id-${seq}`,
  body: JSON.stringify({ seq }),
  ttl: 60,
  created: 1000,
  claim_id: null,
  claim_expires: null,
  claim_count: 0,
  ...claim,
});

describe('parseMessageMarker', () => {
  it('reads a decimal seq', () => {
    expect(parseMessageMarker('0')).toBe(0);
    expect(parseMessageMarker('42')).toBe(42);
    expect(parseMessageMarker('123456789012345')).toBe(123456789012345);
  });

  it('treats anything else as no marker', () => {
    for (const marker of [undefined, '', ' 1', '1 ', '-1', '1.5', '1e3', '0x10', 'abc', '1234567890123456']) {
      expect(parseMessageMarker(marker)).toBe(0);
    }
  });
});

describe('toMessageRecord', () => {
  it('parses the body and reports a valid claim', () => {
    expect(toMessageRecord(row(1, { claim_id: 'c', claim_expires: 2000, claim_count: 3 }), 1999)).toEqual({
      id: 'id-1',
      body: { seq: 1 },
      ttl: 60,
      created: 1000,
      claimId: 'c',
      claimCount: 3,
    });
  });

  it('reports no claim once the claim has expired', () => {
    expect(toMessageRecord(row(1, { claim_id: 'c', claim_expires: 2000, claim_count: 1 }), 2000).claimId).toBeNull();
  });
});

describe('toRecordsBySeq', () => {
  it('orders RETURNING rows by seq', () => {
    expect(toRecordsBySeq([row(3), row(1), row(2)], 0).map((m) => m.id)).toEqual(['id-1', 'id-2', 'id-3']);
  });
});
