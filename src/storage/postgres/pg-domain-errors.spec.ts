import { StorageFull } from '../storage-full';
import { withDomainErrors } from './pg-domain-errors';

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });

/** A store whose write rejects with `error`. */
const failingWith = (error: unknown) => withDomainErrors({ write: () => Promise.reject(error) });

describe('PostgreSQL errors leaving a store', () => {
  it('arrive as StorageFull when the disk was full (SQLSTATE 53100)', async () => {
    const full = pgError('53100', 'could not extend file "base/16384/16386": No space left on device');
    const received = await failingWith(full)
      .write()
      .catch((error: unknown) => error);
    expect(received).toBeInstanceOf(StorageFull);
    expect((received as Error).message).toBe(
      'the store is out of space (could not extend file "base/16384/16386": No space left on device)',
    );
  });

  it('arrive unchanged otherwise, out of memory and a unique violation among them', async () => {
    for (const code of ['53200', '53300', '23505', '57P01']) {
      const error = pgError(code, 'x');
      await expect(failingWith(error).write()).rejects.toBe(error);
    }
  });

  it('leave results, values and the store itself alone', async () => {
    const store = withDomainErrors({
      limit: 10,
      post(n: number) {
        return Promise.resolve(n * this.limit);
      },
      size() {
        return this.limit;
      },
    });
    await expect(store.post(2)).resolves.toBe(20);
    expect(store.size()).toBe(10);
    expect(store.limit).toBe(10);
  });
});
