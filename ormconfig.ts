import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { postgresDataSourceOptions } from './src/storage/postgres/postgres.schema';

/** For the TypeORM CLI: `npm run typeorm -- migration:run` (STORAGE_URL picks the database). */
export default new DataSource(
  postgresDataSourceOptions(process.env.STORAGE_URL ?? 'postgres://postgres@127.0.0.1:5432/zaqar'),
);
