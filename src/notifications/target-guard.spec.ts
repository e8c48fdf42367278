import { guardedAddress, isBlockedAddress } from './target-guard';

describe('webhook target guard', () => {
  it.each([
    '127.0.0.1',
    '127.8.9.10',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    '::',
    'fe80::1',
    'fd00::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
  ])('refuses %s', (address) => {
    expect(isBlockedAddress(address)).toBe(true);
  });

  it.each(['93.184.216.34', '172.32.0.1', '8.8.8.8', '2606:4700::1111'])('lets %s through', (address) => {
    expect(isBlockedAddress(address)).toBe(false);
  });

  it('refuses a name when any address it resolves to is refused, and pins the one it checked', async () => {
    const resolve = async (host: string) =>
      host === 'mixed.example'
        ? [
            { address: '93.184.216.34', family: 4 },
            { address: '10.0.0.5', family: 4 },
          ]
        : [{ address: '93.184.216.34', family: 4 }];
    expect(await guardedAddress('mixed.example', resolve)).toBeNull();
    expect(await guardedAddress('public.example', resolve)).toEqual({ address: '93.184.216.34', family: 4 });
    expect(await guardedAddress('[::1]', resolve)).toBeNull();
    expect(await guardedAddress('127.0.0.1', resolve)).toBeNull();
  });
});
