import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Forbidden } from '../common/errors';
import { PolicyFileError } from './policy-file.loader';
import { POLICY_OPTIONS, PolicyService } from './policy.service';
import { PolicyModule } from './policy.module';

const member = { roles: ['member'], project_id: 'p1' };
const admin = { roles: ['admin'], project_id: 'p1' };

/** Polls until the predicate holds or the deadline passes; returns how long it took. */
async function waitFor(predicate: () => boolean, withinMs: number): Promise<number> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > withinMs) throw new Error(`condition not met within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - started;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PolicyService', () => {
  let dir: string;
  let file: string;
  let errors: jest.SpyInstance;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'zaqar-policy-'));
    file = join(dir, 'policy.json');
    errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  it('enforces the file merged over Zaqar defaults', () => {
    writeFileSync(file, JSON.stringify({ 'queues:create': 'role:admin' }));
    const policy = new PolicyService({ file });
    expect(policy.enforce('queues:create', {}, member)).toBe(false);
    expect(policy.enforce('queues:create', {}, admin)).toBe(true);
    expect(policy.enforce('queues:get', {}, member)).toBe(true);
    expect(policy.enforce('pools:create', {}, member)).toBe(false);
  });

  it('check throws Zaqar 403 by default, or what the factory makes', () => {
    writeFileSync(file, '{"queues:create": "role:admin"}');
    const policy = new PolicyService({ file });
    expect(() => policy.check('queues:create', {}, admin)).not.toThrow();
    expect(() => policy.check('queues:create', {}, member)).toThrow(Forbidden);
    expect(() => policy.check('queues:create', {}, member, () => new RangeError('no'))).toThrow(RangeError);
  });

  it('reads $POLICY_FILE relative to the working directory when no file is given', () => {
    writeFileSync(file, '{"queues:create": "!"}');
    const cwd = process.cwd();
    const saved = process.env.POLICY_FILE;
    try {
      process.chdir(dir);
      process.env.POLICY_FILE = 'policy.json';
      expect(new PolicyService().file).toBe(file);
      expect(new PolicyService().enforce('queues:create', {}, admin)).toBe(false);
    } finally {
      process.chdir(cwd);
      if (saved === undefined) delete process.env.POLICY_FILE;
      else process.env.POLICY_FILE = saved;
    }
  });

  it('fails to start on an invalid or missing file', () => {
    writeFileSync(file, '{"queues:create": "role:admin or"}');
    expect(() => new PolicyService({ file })).toThrow(PolicyFileError);
    expect(() => new PolicyService({ file })).toThrow(/Policy rule "queues:create"/);
    expect(() => new PolicyService({ file: join(dir, 'absent.json') })).toThrow(/cannot be read/);
  });

  it('picks up edits within 2 s, keeps the last good policy on garbage, and recovers', async () => {
    writeFileSync(file, '{"queues:create": "role:admin"}');
    const policy = new PolicyService({ file });
    policy.onModuleInit();
    try {
      expect(policy.enforce('queues:create', {}, member)).toBe(false);

      // rewritten in place
      writeFileSync(file, '{"queues:create": "role:member"}');
      await waitFor(() => policy.enforce('queues:create', {}, member), 2000);

      // replaced by rename, as editors and config managers do
      writeFileSync(join(dir, 'policy.json.tmp'), '{"queues:create": "role:admin"}');
      renameSync(join(dir, 'policy.json.tmp'), file);
      await waitFor(() => !policy.enforce('queues:create', {}, member), 2000);
      expect(policy.enforce('queues:create', {}, admin)).toBe(true);

      // garbage: logged once, decision unchanged
      writeFileSync(file, '{"queues:create": "role:member" ');
      await waitFor(() => errors.mock.calls.length > 0, 2000);
      expect(String(errors.mock.calls[0][0])).toMatch(/not valid JSON.*Keeping the last good policy/);
      expect(policy.enforce('queues:create', {}, member)).toBe(false);
      expect(policy.enforce('queues:create', {}, admin)).toBe(true);

      // a rule that does not parse is named in the log
      writeFileSync(file, '{"queues:create": "role:member and"}');
      await waitFor(() => errors.mock.calls.length > 1, 2000);
      expect(String(errors.mock.calls[1][0])).toMatch(/Policy rule "queues:create"/);
      await sleep(700);
      expect(errors).toHaveBeenCalledTimes(2);
      expect(policy.enforce('queues:create', {}, member)).toBe(false);

      // fixed
      writeFileSync(file, '{"queues:create": "role:member"}');
      await waitFor(() => policy.enforce('queues:create', {}, member), 2000);
    } finally {
      policy.onModuleDestroy();
    }
  });

  it('keeps the policy while the file is briefly missing', async () => {
    writeFileSync(file, '{"queues:create": "role:member"}');
    const policy = new PolicyService({ file, pollIntervalMs: 100 });
    policy.onModuleInit();
    try {
      rmSync(file);
      await sleep(400);
      expect(policy.enforce('queues:create', {}, member)).toBe(true);
      writeFileSync(file, '{"queues:create": "!"}');
      await waitFor(() => !policy.enforce('queues:create', {}, member), 2000);
    } finally {
      policy.onModuleDestroy();
    }
  });

  it('is provided globally by PolicyModule and stops watching when the app closes', async () => {
    writeFileSync(file, '{"queues:create": "!"}');
    const moduleRef = await Test.createTestingModule({ imports: [PolicyModule] })
      .overrideProvider(PolicyService)
      .useFactory({ factory: () => new PolicyService({ file }) })
      .compile();
    const app = await moduleRef.init();
    const policy = app.get(PolicyService);
    expect(policy.enforce('queues:create', {}, admin)).toBe(false);
    await app.close();
    writeFileSync(file, '{"queues:create": "@"}');
    await sleep(800);
    expect(policy.enforce('queues:create', {}, admin)).toBe(false);
  });

  it('takes its file from POLICY_OPTIONS when provided', async () => {
    writeFileSync(file, '{"queues:create": "!"}');
    const moduleRef = await Test.createTestingModule({
      providers: [PolicyService, { provide: POLICY_OPTIONS, useValue: { file } }],
    }).compile();
    expect(moduleRef.get(PolicyService).file).toBe(file);
    await moduleRef.close();
  });
});
