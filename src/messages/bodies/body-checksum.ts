import { createHash } from 'node:crypto';
import { pythonJson } from '../../common/python-json';

/**
 * Zaqar's message checksum (storage/utils.py get_checksum): MD5 of the body as Python's json.dumps
 * writes it, prefixed with the algorithm; none for a null body. A client verifies it by hashing
 * json.dumps of the body it received.
 */
export function bodyChecksum(body: unknown): string | undefined {
  if (body === null || body === undefined) return undefined;
  return `MD5:${createHash('md5').update(pythonJson(body)).digest('hex')}`;
}
