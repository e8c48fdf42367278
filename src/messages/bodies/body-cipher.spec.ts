import { randomBytes } from 'node:crypto';
import { BodyCipher } from './body-cipher';

describe('BodyCipher', () => {
  const cipher = new BodyCipher(randomBytes(32));

  it('opens what it sealed, whatever the JSON value', () => {
    for (const body of [{ secret: 'ключ', n: [1, 2.5] }, 'text', 42, null, [], false]) {
      expect(cipher.open(cipher.seal(body))).toEqual(body);
    }
  });

  it('seals with a fresh IV each time: the same body never looks the same twice', () => {
    expect(cipher.seal('same')).not.toEqual(cipher.seal('same'));
  });

  it('leaves plain bodies, look-alikes and bodies sealed under another key as they are', () => {
    const other = new BodyCipher(randomBytes(32)).seal('theirs');
    const tampered = cipher.seal('mine');
    const text = tampered['~aes256gcm'];
    tampered['~aes256gcm'] = `${text[0] === 'A' ? 'B' : 'A'}${text.slice(1)}`;
    for (const stored of [{ plain: 1 }, { '~aes256gcm': 'short' }, { '~aes256gcm': 1 }, other, tampered, 'x']) {
      expect(cipher.open(stored)).toEqual(stored);
    }
  });
});
