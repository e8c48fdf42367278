import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { Forbidden } from '../common/errors';
import { installRoot } from '../common/install-root';
import { parsePolicyDocument, PolicyFileError } from './policy-file.loader';
import { PolicyFileWatcher } from './policy-file.watcher';
import { PolicySet } from './policy-set';
import { PolicyCredentials, PolicyTarget } from './policy.evaluator';
import { ZAQAR_DEFAULT_POLICY } from './zaqar-policy.defaults';

export const POLICY_OPTIONS = Symbol('PolicyOptions');

export interface PolicyOptions {
  /** The JSON policy file; default $POLICY_FILE, else `policy.json`, relative to the working directory. */
  file?: string;
  /** Rules the file may override; default Zaqar's own (ZAQAR_DEFAULT_POLICY). */
  defaults?: Readonly<Record<string, string>>;
  /** How often the file's stat is polled in case fs.watch misses a change. */
  pollIntervalMs?: number;
}

/**
 * Decides every request's action against the operator's policy file and picks up edits to that
 * file while running. An edit that does not load is logged and ignored: the last good policy
 * stays in force, where Zaqar itself would answer 500 to every request until the file is fixed.
 */
@Injectable()
export class PolicyService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(PolicyService.name);
  readonly file: string;
  private readonly defaults: Readonly<Record<string, string>>;
  private readonly watcher: PolicyFileWatcher;
  private policy: PolicySet;
  /** The text last read, good or bad, so one edit is judged (and logged) once. */
  private lastText: string;
  private missingReported = false;

  constructor(@Optional() @Inject(POLICY_OPTIONS) options: PolicyOptions = {}) {
    // an operator's POLICY_FILE is relative to where they start the server; the default ships with it
    const configured = options.file ?? process.env.POLICY_FILE;
    this.file = configured ? resolve(process.cwd(), configured) : resolve(installRoot(), 'policy.json');
    this.defaults = options.defaults ?? ZAQAR_DEFAULT_POLICY;
    // A policy we cannot load at start stops the server: there is no last good one to fall back on.
    try {
      this.lastText = this.read();
    } catch (err) {
      throw new PolicyFileError(this.file, [`it cannot be read (${(err as Error).message})`]);
    }
    this.policy = this.parse(this.lastText);
    this.logger.log(`Loaded policy from ${this.file}`);
    this.watcher = new PolicyFileWatcher(this.file, () => this.reload(), options.pollIntervalMs);
  }

  onModuleInit(): void {
    this.watcher.start();
  }

  onModuleDestroy(): void {
    this.watcher.stop();
  }

  /** Whether the credentials may perform the action on the target. Synchronous; rules are pre-parsed. */
  enforce(action: string, target: PolicyTarget, credentials: PolicyCredentials): boolean {
    return this.policy.isAllowed(action, target, credentials);
  }

  /** Like enforce, but throws what `deny` makes (Zaqar's 403 by default) when the answer is no. */
  check(
    action: string,
    target: PolicyTarget,
    credentials: PolicyCredentials,
    deny: () => Error = () => new Forbidden(),
  ): void {
    if (!this.policy.isAllowed(action, target, credentials)) throw deny();
  }

  /**
   * Re-reads the file and swaps the new policy in if it loads. Returns whether a new policy took
   * effect. The watcher calls this; it is public for tests and a future SIGHUP handler.
   */
  reload(): boolean {
    let text: string;
    try {
      text = this.read();
    } catch (err) {
      if (!this.missingReported) {
        this.logger.warn(`Cannot read ${this.file} (${(err as Error).message}); keeping the current policy`);
        this.missingReported = true;
      }
      return false;
    }
    this.missingReported = false;
    if (text === this.lastText) return false;
    this.lastText = text;
    try {
      this.policy = this.parse(text);
    } catch (err) {
      if (!(err instanceof PolicyFileError)) throw err;
      this.logger.error(`${err.message}. Keeping the last good policy.`);
      return false;
    }
    this.logger.log(`Reloaded policy from ${this.file}`);
    return true;
  }

  private read(): string {
    return readFileSync(this.file, 'utf8');
  }

  private parse(text: string): PolicySet {
    const { policy, warnings } = parsePolicyDocument(text, this.file, this.defaults);
    for (const warning of warnings) this.logger.warn(`${this.file}: ${warning}`);
    return policy;
  }
}
