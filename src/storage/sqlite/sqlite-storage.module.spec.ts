import { Test } from '@nestjs/testing';
import { STORAGE_DRIVER, type StorageDriver } from '../storage.contract';
import { SqliteStorageModule } from './sqlite-storage.module';

describe('SqliteStorageModule', () => {
  it('provides an open driver for the URL and closes it when the application closes', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [SqliteStorageModule.forRoot('sqlite::memory:')],
    }).compile();
    const driver = moduleRef.get<StorageDriver>(STORAGE_DRIVER);
    expect(await driver.ping()).toBe(true);
    expect(await driver.queues.create({ project: 'p', queue: 'q' }, {}, Date.now())).toBe(true);

    await moduleRef.close();
    expect(await driver.ping()).toBe(false);
  });
});
