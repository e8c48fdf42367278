import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { isJsonObject } from '../../common/request-body';

/** The one key of a stored encrypted body: `{"~aes256gcm": base64(iv | tag | ciphertext)}`. */
const SEALED = '~aes256gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM over a body's JSON text. GCM authenticates: a body that merely looks sealed (a client
 * may post `{"~aes256gcm": "..."}` to a plain queue) fails to open and is shown as it was stored.
 */
export class BodyCipher {
  constructor(private readonly key: Buffer) {}

  seal(body: unknown): Record<string, string> {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const sealed = Buffer.concat([cipher.update(JSON.stringify(body) ?? 'null', 'utf8'), cipher.final()]);
    return { [SEALED]: Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64') };
  }

  open(stored: unknown): unknown {
    if (!isJsonObject(stored) || typeof stored[SEALED] !== 'string' || Object.keys(stored).length !== 1) return stored;
    const bytes = Buffer.from(stored[SEALED], 'base64');
    if (bytes.length < IV_BYTES + TAG_BYTES) return stored;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, IV_BYTES));
      decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      const text = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
      return JSON.parse(text.toString('utf8'));
    } catch {
      return stored;
    }
  }
}
