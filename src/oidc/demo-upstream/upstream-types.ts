/**
 * What a demo upstream is made of (users, clients, options) and the handle a test or
 * the demo holds while it runs (upstream-provider.ts starts one).
 */
import type { IdTokenTamper } from './id-token-tampering.js';

export interface UpstreamUser {
  /** The upstream subject (`sub`), stable per user. */
  sub: string;
  email: string;
  /** `email_verified` (default true). */
  emailVerified?: boolean;
  givenName: string;
  familyName: string;
  password: string;
  agency?: string;
  department?: string;
}

export interface UpstreamClient {
  clientId: string;
  /** For client_secret_basic and client_secret_post (either is accepted). */
  clientSecret?: string;
  /** The client's public keys, for private_key_jwt. */
  jwks?: { keys: Array<Record<string, unknown>> };
  /** Or where to fetch them, for private_key_jwt. */
  jwksUri?: string;
  /** Default: private_key_jwt with `jwks`/`jwksUri`, else client_secret_basic (which accepts post too). */
  tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  /** Shown on the sign-in page ("to continue to …"); default the client id. */
  name?: string;
}

export interface UpstreamOptions {
  /** Where to listen (default 127.0.0.1). */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** The host name in the issuer, when it is not `host` (e.g. localhost): the issuer is `http://<publicHost>:<port>`. */
  publicHost?: string;
  /** The whole issuer, when it is neither (e.g. behind a proxy); overrides publicHost. */
  publicUrl?: string;
  /** Its name on its pages (default "WOG account (demo)"). */
  issuerName?: string;
  users: UpstreamUser[];
  clients: UpstreamClient[];
  /** The `amr` of its ID tokens (default ['pwd']); may be changed later on the handle. */
  amr?: string[];
}

/** What the upstream saw, for tests to assert what the relying party sent. */
export interface UpstreamRecord {
  /** The query of every authorization request (GET), in order. */
  authorizations: Array<Record<string, string>>;
  /** Every successful token request, with the client authentication it used. */
  tokenRequests: Array<{ clientId: string; grantType: string; authMethod: string }>;
  /** Every completed sign-out at the end_session endpoint. */
  signOuts: Array<{ clientId: string | undefined; accountId: string | undefined }>;
  /** How many times the JWKS was fetched. */
  jwksRequests: number;
}

export interface UpstreamProvider {
  issuer: string;
  /** Where it listens, http://<host>:<port> (the issuer differs with `publicHost` or `publicUrl`). */
  url: string;
  discoveryUrl: string;
  /** The name on its pages. */
  issuerName: string;
  /** The `kid` its ID tokens are signed with now. */
  readonly signingKid: string;
  /** Its JWKS as published (public keys, newest first). */
  jwks(): { keys: Array<Record<string, unknown>> };
  /** A new signing key (new `kid`) signs from now on; the JWKS lists it first, and the previous keys unless `keepPrevious` is false. */
  rotateKeys(options?: { keepPrevious?: boolean }): Promise<{ kid: string }>;
  /** When set, replaces the ID token of every token response (see id-token-tampering.ts); null: genuine tokens. */
  tamper: IdTokenTamper | null;
  /** When set, every authorization response carries this `iss` (null: none at all) instead of the real one (mix-up tests). */
  authorizationResponseIss: string | null | undefined;
  /** When set, every sign-in page answers the application at once with this error instead of asking. */
  authorizationError: { error: string; error_description?: string } | null;
  /** The `amr` of the next sign-ins. */
  amr: string[];
  addUser(user: UpstreamUser): void;
  addClient(client: UpstreamClient): void;
  readonly seen: UpstreamRecord;
  close(): Promise<void>;
}
