import { openPostgresDriver } from '../../src/storage/postgres/postgres.driver';
import { BACKENDS, postgresBackend, sqliteBackend, TestBackend } from './backends';

/**
 * Pooling on: a PostgreSQL management store with two pools registered before the servers start,
 * one PostgreSQL database and one embedded file, of equal weight.
 */
export async function pooledBackend(): Promise<TestBackend> {
  const management = await postgresBackend();
  const pools = [await postgresBackend(), await sqliteBackend()];
  const driver = await openPostgresDriver(management.url);
  try {
    for (const [i, pool] of pools.entries()) {
      await driver.registry.putPool({ name: `${pool.name}-${i}`, uri: pool.url, weight: 1, flavor: null, options: {} });
    }
  } finally {
    await driver.close();
  }
  return {
    name: 'pooled',
    url: management.url,
    env: { POOLING: 'on' },
    async drop() {
      await Promise.all([management, ...pools].map((backend) => backend.drop()));
    },
  };
}

/** Every storage back end, and pooling over them: for suites whose guarantees must hold with pooling on. */
export const BACKENDS_AND_POOLING: Array<[string, () => Promise<TestBackend>]> = [
  ...BACKENDS,
  ['pooled', pooledBackend],
];
