/**
 * The path as the request log may print it. Query strings are never logged (they
 * carry codes, tokens and hints), and a path can carry a secret too: the password
 * reset link `/login/reset/<id>.<secret>` stays usable for 30 minutes, so anyone
 * reading the log could take the account. Such segments are replaced by a marker;
 * the rest of the path stays, for the operator reading the log.
 */

/** Paths whose segments after the prefix are a bearer secret. */
const SECRET_AFTER = ['/login/reset/', '/onboarding/'];

/**
 * TechPass's one-time secrets are `<kind>_<id>.<secret>` (lucia's `id.secret`): a
 * segment of that shape, wherever it appears, is a secret a future route may carry.
 */
const SECRET_SEGMENT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{16,}$/;

export const REDACTED_SEGMENT = '[redacted]';

export function loggablePath(path: string): string {
  for (const prefix of SECRET_AFTER) {
    if (path.startsWith(prefix) && path.length > prefix.length) return `${prefix}${REDACTED_SEGMENT}`;
  }
  if (!path.includes('.')) return path;
  return path
    .split('/')
    .map((segment) => (SECRET_SEGMENT.test(segment) ? REDACTED_SEGMENT : segment))
    .join('/');
}
