/**
 * Password hashing with argon2id at OWASP's parameters (19 MiB, 2 passes, 1 lane).
 * `verifyPassword` against a dummy hash keeps the time of an unknown-account
 * sign-in the same as a known one.
 */
import { hash, verify, Algorithm } from '@node-rs/argon2';

export const ARGON2_OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;
/** Spends the same time as a real verification, for accounts that do not exist. */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummy ??= hashPassword('techpass-dummy-password-for-timing');
  await verifyPassword(await dummy, password);
  return false;
}
