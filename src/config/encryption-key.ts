import { createHash } from 'node:crypto';
import { SettingsError } from './config-values';
import type { ZaqarConf } from './zaqar-conf';

/** Shorter keys are refused: a key is a secret, not a password to remember. */
const MIN_KEY_LENGTH = 16;

/**
 * The AES-256 key of queues with `_enable_encrypt_messages`, as Zaqar derives it (SHA-256 of
 * `[transport] message_encryption_key`), or null when encryption is not configured. Naming an
 * algorithm configures it; a missing, short or unsupported setting stops the start here rather
 * than failing the first encrypted post.
 */
export function readEncryptionKey(env: Record<string, string | undefined>, conf: ZaqarConf): Buffer | null {
  const key = env.MESSAGE_ENCRYPTION_KEY ?? conf.transport?.message_encryption_key;
  const algorithm = env.MESSAGE_ENCRYPTION_ALGORITHMS ?? conf.transport?.message_encryption_algorithms;
  if (key === undefined && algorithm === undefined) return null;
  if (algorithm !== undefined && algorithm.trim() !== 'AES256') {
    throw new SettingsError(`message_encryption_algorithms: only AES256 is supported, not "${algorithm.trim()}"`);
  }
  if (key === undefined) {
    throw new SettingsError('message_encryption_algorithms is set but message_encryption_key is not');
  }
  if (key.trim().length < MIN_KEY_LENGTH) {
    throw new SettingsError(`message_encryption_key must be at least ${MIN_KEY_LENGTH} characters long`);
  }
  return createHash('sha256').update(key, 'utf8').digest();
}
