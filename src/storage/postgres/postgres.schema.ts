import type { DataSourceOptions } from 'typeorm';
import { ClaimEntity } from './entities/claim.entity';
import { MessageEntity } from './entities/message.entity';
import { QueueEntity } from './entities/queue.entity';
import { InitialSchema1763800000000 } from './migrations/1763800000000-InitialSchema';

/** The one list of entities and migrations, shared by the driver and the TypeORM CLI (ormconfig.ts). */
export const postgresEntities = [QueueEntity, MessageEntity, ClaimEntity];
export const postgresMigrations = [InitialSchema1763800000000];

/** Connections per driver; the hot paths and TypeORM share this one pool. */
export const POSTGRES_POOL_SIZE = 10;

export function postgresDataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: postgresEntities,
    migrations: postgresMigrations,
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    poolSize: POSTGRES_POOL_SIZE,
    connectTimeoutMS: 10_000,
    applicationName: 'zaqar-ts',
  };
}
