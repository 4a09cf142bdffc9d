/** What the signed-in sessions of a person are made of, as pure functions. */

/**
 * The `sid` claim of an ID token that was already verified when it was received (the
 * portal's session keeps it), or null. Only read, never trusted as a credential.
 */
export function sidOfIdToken(idToken: string): string | null {
  try {
    const claims = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as { sid?: unknown };
    return typeof claims.sid === 'string' ? claims.sid : null;
  } catch {
    return null;
  }
}
