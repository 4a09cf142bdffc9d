/**
 * Who is calling the management API. Today one credential: `Authorization: Bearer`
 * with a TechPass access token for the resource `<issuer>/api`, issued to a person
 * through an application allowed to ask for it (oidc/provider.ts, `managementApi`).
 * It is checked here with TechPass' own published keys, without a call to the
 * provider: signature (ES256, a key of the current set), `typ` at+jwt (RFC 9068, so
 * an ID token is no access token), issuer, audience, expiry, and a subject that is an
 * account in good standing now (a lock or a suspension counts at once, not at the
 * token's expiry), and the application it was issued through still allowed (deleting it
 * or turning its `managementApi` off ends its tokens). Client-credentials tokens are an
 * application's, not a person's: refused with their own code.
 *
 * The seam for the portal's session (a later issue): another `CallerSource` that reads
 * the HttpOnly cookie and checks the CSRF header, answering the same `Caller` with
 * `via: 'portal_session'`; the routes and the authorization rules do not change.
 */
import { createLocalJWKSet, errors as joseErrors, jwtVerify, type JSONWebKeySet } from 'jose';
import { ErrorCodes } from '../contracts/errors.js';
import { fail, ok, type Result } from '../contracts/result.js';
import type { Caller } from '../domain/authorization.js';
import { asUserId } from '../domain/ids.js';
import type { ClientDirectory, NamespaceRepository, UserRepository } from '../domain/repositories.js';
import { standingRefusal } from '../domain/users.js';
import type { Clock } from '../platform/clock.js';

export interface ApiCallerDeps {
  /** PUBLIC_URL: the issuer; the API's resource is `<issuer>/api`. */
  issuer: string;
  /** The provider's published keys (public parts), as they are now: rotations apply at once. */
  verificationKeys(): JSONWebKeySet;
  users: UserRepository;
  namespaces: NamespaceRepository;
  /** The applications (this node's cache): the one the token was issued through must still be allowed. */
  clients: Pick<ClientDirectory, 'findApplication'>;
  clock: Clock;
}

/** The resource (audience) of the management API; beside `<issuer>/iam`, the automation API's. */
export const managementApiResource = (issuer: string) => `${issuer}/api`;

const INVALID = 'a TechPass access token for the management API is required: Authorization: Bearer <token> (resource <issuer>/api)';

/** Checks a bearer access token and answers the person behind it with their roles. */
export async function callerFromAccessToken(deps: ApiCallerDeps, token: string): Promise<Result<Caller>> {
  let payload: Record<string, unknown>;
  try {
    const verified = await jwtVerify(token, createLocalJWKSet(deps.verificationKeys()), {
      issuer: deps.issuer,
      algorithms: ['ES256'],
      typ: 'at+jwt',
      clockTolerance: 5,
      currentDate: new Date(deps.clock.now()),
      requiredClaims: ['exp', 'sub', 'aud'],
    });
    payload = verified.payload as Record<string, unknown>;
  } catch (error) {
    if (error instanceof joseErrors.JOSEError) {
      const expired = error instanceof joseErrors.JWTExpired;
      return fail(ErrorCodes.apiTokenInvalid, expired ? 'the access token has expired; get a new one' : INVALID);
    }
    throw error;
  }
  const audiences = ([] as unknown[]).concat(payload.aud);
  // A client-credentials token names the application as its subject (oidc-provider), and
  // the automation API's resource as its audience.
  if (payload.sub === payload.client_id || audiences.includes(`${deps.issuer}/iam`)) {
    return fail(
      ErrorCodes.apiClientToken,
      "an application's own token (client credentials) is not an admin credential; sign a person in with resource <issuer>/api",
    );
  }
  if (!audiences.includes(managementApiResource(deps.issuer))) return fail(ErrorCodes.apiTokenInvalid, INVALID);
  // Checked at issuance too; again here so that deleting the application, or turning its
  // management API access off, ends the tokens already issued through it.
  const through = typeof payload.client_id === 'string' ? await deps.clients.findApplication(payload.client_id) : null;
  if (!through?.managementApi || !through.signInEnabled) {
    return fail(ErrorCodes.apiTokenInvalid, 'the application this token was issued through may no longer ask for management API tokens');
  }
  const user = await deps.users.findById(asUserId(String(payload.sub)));
  if (!user || standingRefusal(user)) return fail(ErrorCodes.apiTokenInvalid, 'the account behind this access token may not sign in now');
  const adminOf = new Set(await deps.namespaces.administeredBy(user.id));
  return ok({ userId: user.id, email: user.email, platformAdmin: user.platformRole === 'admin', adminOf, via: 'access_token' });
}
