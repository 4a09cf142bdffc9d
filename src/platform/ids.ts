/**
 * Random identifiers and secrets. Ids are URL-safe and carry enough entropy
 * to be unguessable; secrets carry 256 bits.
 */
import { randomBytes } from 'node:crypto';

/** A 128-bit random id, base64url, with an optional readable prefix. */
export function newId(prefix = ''): string {
  return prefix + randomBytes(16).toString('base64url');
}

/** A 256-bit random secret, base64url. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}
