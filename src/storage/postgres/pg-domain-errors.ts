import { StorageFull } from '../storage-full';

/**
 * SQLSTATE disk_full: a write found no room (ENOSPC under the data directory or a tablespace).
 * Not the rest of class 53: out_of_memory and too_many_connections pass as they come, since
 * freeing disk space is not what ends them.
 */
const DISK_FULL = '53100';

/** The domain error a PostgreSQL error stands for, or the error itself. */
function domainErrorOf(error: unknown): unknown {
  // TypeORM's QueryFailedError carries the code of the pg error it wraps
  const code = (error as { code?: unknown } | null)?.code;
  return code === DISK_FULL ? new StorageFull((error as Error).message) : error;
}

/**
 * The store with its methods' rejections turned into domain errors: the one place where a
 * PostgreSQL error becomes what the services and the exception filter understand. The store's own
 * checks of SQLSTATEs (a conflict, a bad value) still see the pg error, inside.
 */
export function withDomainErrors<T extends object>(store: T): T {
  return new Proxy(store, {
    get(target, key) {
      const member: unknown = Reflect.get(target, key);
      if (typeof member !== 'function') return member;
      return (...args: unknown[]) => {
        const result: unknown = member.apply(target, args);
        return result instanceof Promise
          ? result.catch((error: unknown) => {
              throw domainErrorOf(error);
            })
          : result;
      };
    },
  });
}
