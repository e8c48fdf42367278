import { BadRequest, InvalidRequestBody } from '../common/errors';
import { refuseNulFields, refuseNulName } from './registry-text';

describe('registry text', () => {
  it('refuses a pool or flavor name holding U+0000, and lets any other through', () => {
    expect(() => refuseNulName('Pool', 'a\0b')).toThrow(
      new BadRequest('Invalid name', 'Pool names may not contain U+0000'),
    );
    expect(() => refuseNulName('Flavor', '\0')).toThrow(
      new BadRequest('Invalid name', 'Flavor names may not contain U+0000'),
    );
    expect(() => refuseNulName('Pool', 'ünï cödé ✓')).not.toThrow();
  });

  it("refuses a pool's uri or flavor holding U+0000, and an absent or null field passes", () => {
    expect(() => refuseNulFields({ uri: 'sqlite:/tmp/a\0' })).toThrow(
      new InvalidRequestBody('`uri` may not contain U+0000'),
    );
    expect(() => refuseNulFields({ uri: 'sqlite:/tmp/a', flavor: 'f\0' })).toThrow(
      new InvalidRequestBody('`flavor` may not contain U+0000'),
    );
    expect(() => refuseNulFields({ flavor: null })).not.toThrow();
    expect(() => refuseNulFields({})).not.toThrow();
  });
});
