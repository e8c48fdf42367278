import { bodyChecksum } from './body-checksum';

describe('bodyChecksum', () => {
  it("is Zaqar's MD5 of the body as Python dumps it", () => {
    // hashlib.md5(json.dumps({"n": 1}).encode()).hexdigest() in Python 3.11
    expect(bodyChecksum({ n: 1 })).toBe('MD5:96d730b7a405ed0e9cb1068b43e06fe4');
  });

  it('is absent for a null body, as Zaqar stores none', () => {
    expect(bodyChecksum(null)).toBeUndefined();
  });
});
