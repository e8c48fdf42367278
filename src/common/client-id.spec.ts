import { DEFAULT_LIMITS } from '../config/limits';
import { checkClientId } from './client-id';
import { BadRequest } from './errors';

describe('Client-ID check', () => {
  it.each([
    '3381af92-2b9e-11e3-b191-71861300734c',
    '3381af922b9e11e3b19171861300734c', // python-zaqarclient sends undashed UUIDs
    '{3381af92-2b9e-11e3-b191-71861300734c}',
    'urn:uuid:3381af92-2b9e-11e3-b191-71861300734c',
  ])('accepts %s as Python uuid.UUID() does', (id) => {
    expect(() => checkClientId(id, DEFAULT_LIMITS)).not.toThrow();
  });

  it.each(['abc', '3381af92-2b9e-11e3-b191-71861300734', 'zz81af92-2b9e-11e3-b191-71861300734c'])(
    'rejects %s in strict mode',
    (id) => {
      expect(() => checkClientId(id, DEFAULT_LIMITS)).toThrow(
        new BadRequest('Wrong UUID value', 'Malformed hexadecimal UUID.'),
      );
    },
  );

  it('only checks the length when uuid safety is off', () => {
    const limits = { ...DEFAULT_LIMITS, client_id_uuid_safe: 'off' as const };
    expect(() => checkClientId('worker-0001', limits)).not.toThrow();
    expect(() => checkClientId('short', limits)).toThrow(BadRequest);
    expect(() => checkClientId('x'.repeat(37), limits)).toThrow(BadRequest);
  });
});
