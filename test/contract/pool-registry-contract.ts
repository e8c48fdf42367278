import { randomUUID } from 'node:crypto';
import type { PoolRecord } from '../../src/storage/pool-registry.contract';
import type { StorageDriver } from '../../src/storage/storage.contract';

/**
 * Pooling's registry, the same tests for every provider that can be a management store. Pool names
 * are global, so each test names its pools with a prefix of its own; `open` is called twice, for
 * two drivers on one store (two server processes).
 */
export function describePoolRegistryContract(name: string, open: () => Promise<StorageDriver>): void {
  describe(`pool registry contract: ${name}`, () => {
    let driver: StorageDriver;
    let other: StorageDriver;

    beforeAll(async () => {
      driver = await open();
      other = await open();
    });

    afterAll(async () => {
      await other?.close();
      await driver?.close();
    });

    const prefix = () => `t${randomUUID().slice(0, 8)}-`;
    const pool = (name: string, fields: Partial<PoolRecord> = {}): PoolRecord => ({
      name,
      uri: `sqlite:/tmp/${name}.db`,
      weight: 10,
      flavor: null,
      options: {},
      ...fields,
    });
    const mine = async (p: string) => (await driver.registry.allPools()).filter((x) => x.name.startsWith(p));

    it('puts, replaces, reads and deletes pools; another pool with the same uri is refused', async () => {
      const p = prefix();
      expect(await driver.registry.putPool(pool(`${p}a`, { options: { k: [1, 'x'] } }))).toBe('created');
      expect(await driver.registry.putPool(pool(`${p}a`, { weight: 3, flavor: 'gold' }))).toBe('replaced');
      expect(await driver.registry.getPool(`${p}a`)).toEqual(pool(`${p}a`, { weight: 3, flavor: 'gold' }));
      expect(await driver.registry.putPool(pool(`${p}b`, { uri: `sqlite:/tmp/${p}a.db` }))).toBe('uri-taken');
      expect(await driver.registry.getPool(`${p}b`)).toBeNull();
      await driver.registry.deletePool(`${p}a`);
      await driver.registry.deletePool(`${p}a`);
      expect(await driver.registry.getPool(`${p}a`)).toBeNull();
    });

    it('a weight up to 2^32-1 and JSON options survive', async () => {
      const p = prefix();
      const big = pool(`${p}a`, { weight: 2 ** 32 - 1, options: { nested: { a: null, b: [true] } } });
      await driver.registry.putPool(big);
      expect(await other.registry.getPool(big.name)).toEqual(big);
    });

    it('updates only the fields given; a missing pool or a taken uri changes nothing', async () => {
      const p = prefix();
      await driver.registry.putPool(pool(`${p}a`, { options: { o: 1 } }));
      await driver.registry.putPool(pool(`${p}b`));
      expect(await driver.registry.updatePool(`${p}a`, { weight: 7 })).toBe('updated');
      expect(await driver.registry.getPool(`${p}a`)).toEqual(pool(`${p}a`, { weight: 7, options: { o: 1 } }));
      expect(await driver.registry.updatePool(`${p}a`, { uri: `sqlite:/tmp/${p}b.db` })).toBe('uri-taken');
      expect(await driver.registry.updatePool(`${p}zz`, { weight: 1 })).toBe('missing');
      expect(await driver.registry.updatePool(`${p}a`, { uri: 'sqlite:/tmp/elsewhere.db', flavor: 'f' })).toBe(
        'updated',
      );
      expect(await driver.registry.getPool(`${p}a`)).toMatchObject({ uri: 'sqlite:/tmp/elsewhere.db', flavor: 'f' });
    });

    it('lists pools by name with a marker and a limit', async () => {
      const p = prefix();
      for (const n of ['c', 'a', 'b']) await driver.registry.putPool(pool(`${p}${n}`));
      const first = await driver.registry.listPools({ marker: p, limit: 2 });
      expect(first.map((x) => x.name)).toEqual([`${p}a`, `${p}b`]);
      const next = await driver.registry.listPools({ marker: `${p}b`, limit: 2 });
      expect(next[0].name).toBe(`${p}c`);
      expect((await mine(p)).map((x) => x.name)).toEqual([`${p}a`, `${p}b`, `${p}c`]);
    });

    it('flavors belong to a project and name their pools; setting them moves the flavor', async () => {
      const p = prefix();
      const gold = `${p}gold`;
      for (const n of ['a', 'b', 'c']) await driver.registry.putPool(pool(`${p}${n}`));
      await driver.registry.putFlavor('proj', gold);
      await driver.registry.putFlavor('proj', gold);
      expect(await driver.registry.flavorExists('proj', gold)).toBe(true);
      expect(await driver.registry.flavorExists('other', gold)).toBe(false);
      await driver.registry.setFlavorPools(gold, [`${p}a`, `${p}b`]);
      await driver.registry.setFlavorPools(gold, [`${p}b`, `${p}c`]);
      expect((await mine(p)).map((x) => x.flavor)).toEqual([null, gold, gold]);
      expect(await driver.registry.listFlavors('proj', { marker: p, limit: 5 })).toEqual([gold]);
      expect(await driver.registry.listFlavors('other', { limit: 5 })).not.toContain(gold);
    });

    it("deleting a flavor clears it from its pools, unless another project's flavor has that name", async () => {
      const p = prefix();
      const silver = `${p}silver`;
      await driver.registry.putPool(pool(`${p}a`));
      await driver.registry.putFlavor('one', silver);
      await driver.registry.putFlavor('two', silver);
      await driver.registry.setFlavorPools(silver, [`${p}a`]);
      await driver.registry.deleteFlavor('one', silver);
      expect((await driver.registry.getPool(`${p}a`))?.flavor).toBe(silver);
      await driver.registry.deleteFlavor('two', silver);
      await driver.registry.deleteFlavor('two', silver);
      expect((await driver.registry.getPool(`${p}a`))?.flavor).toBeNull();
      expect(await driver.registry.flavorExists('two', silver)).toBe(false);
    });

    it('place maps a queue once: racing processes agree on the first mapping', async () => {
      const project = `p-${randomUUID()}`;
      const refs = Array.from({ length: 20 }, (_, i) => ({ project, queue: `q${i}` }));
      const answers = await Promise.all(
        refs.flatMap((ref) => [driver.registry.place(ref, 'one'), other.registry.place(ref, 'two')]),
      );
      for (let i = 0; i < refs.length; i++) {
        expect(answers[2 * i]).toBe(answers[2 * i + 1]);
        expect(await driver.registry.lookup(refs[i])).toBe(answers[2 * i]);
      }
      expect(await driver.registry.lookup({ project, queue: 'never' })).toBeNull();
    });

    it("relocate replaces a mapping; poolsOf names a project's pools; queuesOf pages a pool's queues in order", async () => {
      const p = prefix();
      const target = `${p}pool`;
      const refs = [
        { project: `${p}b`, queue: 'x' },
        { project: `${p}a`, queue: 'y' },
        { project: `${p}a`, queue: 'x' },
      ];
      for (const ref of refs) await driver.registry.place(ref, target);
      await driver.registry.place({ project: `${p}a`, queue: 'z' }, 'elsewhere');
      expect((await driver.registry.poolsOf(`${p}a`)).sort()).toEqual(['elsewhere', target]);
      expect(await driver.registry.poolsOf(`${p}b`)).toEqual([target]);
      expect(await driver.registry.poolsOf(`${p}none`)).toEqual([]);
      expect(await driver.registry.queuesOf(target, undefined, 2)).toEqual([refs[2], refs[1]]);
      expect(await driver.registry.queuesOf(target, refs[1], 10)).toEqual([refs[0]]);
      await driver.registry.relocate(refs[0], 'elsewhere');
      expect(await driver.registry.lookup(refs[0])).toBe('elsewhere');
      expect(await driver.registry.queuesOf(target, undefined, 10)).toEqual([refs[2], refs[1]]);
      await driver.registry.putPool(pool(target));
      await driver.registry.deletePool(target);
      expect(await driver.registry.queuesOf(target, undefined, 10)).toEqual([]);
      expect(await driver.registry.lookup(refs[2])).toBeNull();
    });

    it('the version moves with every write but place, as seen from another process', async () => {
      const p = prefix();
      const writes: Array<() => Promise<unknown>> = [
        () => driver.registry.putPool(pool(`${p}a`)),
        () => driver.registry.updatePool(`${p}a`, { weight: 2 }),
        () => driver.registry.putFlavor('proj', `${p}f`),
        () => driver.registry.setFlavorPools(`${p}f`, [`${p}a`]),
        () => driver.registry.deleteFlavor('proj', `${p}f`),
        () => driver.registry.relocate({ project: p, queue: 'q' }, `${p}a`),
        () => driver.registry.deletePool(`${p}a`),
      ];
      for (const write of writes) {
        const before = await other.registry.version();
        await write();
        expect(await other.registry.version()).not.toBe(before);
      }
      const before = await other.registry.version();
      await driver.registry.place({ project: p, queue: 'new' }, 'x');
      expect(await other.registry.version()).toBe(before);
    });
  });
}
