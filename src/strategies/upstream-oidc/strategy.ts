/**
 * The upstream identity provider as a first-factor strategy (`fed`): a person of an
 * integrated organisation proves who they are at their own provider (the government's
 * Entra ID, any OpenID Connect provider), with the authorization-code flow and PKCE.
 *
 * - `challenge` builds the authorization request: `state`, `nonce`, an S256 code
 *   challenge and the `login_hint`; the flow keeps what the answer must match.
 * - `verify` redeems the code and checks the answer with openid-client: `state`, the
 *   RFC 9207 `iss` of the response (against mix-up), then the ID token's signature
 *   with the provider's JWKS (keys.ts: fetched again for an unknown `kid`), `iss`,
 *   `aud`, `azp`, `nonce`, `exp` and `iat` (30 s of clock skew). Only the asymmetric
 *   algorithms the provider's metadata lists are accepted: never `none`, never HMAC,
 *   so a token "signed" with the provider's public key as an HMAC secret fails.
 *   The identity it answers is the provider's mapped claims; linking it to an account
 *   is the flow's business.
 * - `enrol` is not this strategy's: an administrator registers the provider.
 */
import { importPKCS8 } from 'jose';
import * as client from 'openid-client';
import { failed, notResponsible, verified, type CredentialStrategy, type StrategyResult } from '../../domain/credentials.js';
import type { FederationFailure, FederationRequest } from '../../domain/flows/sign-in.js';
import { mapClaims } from '../../domain/federated-identities.js';
import { servesEmail, type UpstreamProvider } from '../../domain/identity-providers.js';
import { OutboundError } from '../../platform/outbound-http.js';
import type { UpstreamKeys } from './keys.js';

type Fetch = (input: string | URL, init?: RequestInit) => Promise<Response>;

/** Who the provider says signed in, by the provider's claim mapping. */
export interface UpstreamIdentity {
  issuer: string;
  subject: string;
  /** The e-mail the provider vouches for (within its domains), when it gave one. */
  email?: string;
  emailVerified: boolean;
  givenName?: string;
  familyName?: string;
  agency?: string;
  department?: string;
  /** The provider's own `amr` (kept in the audit: its MFA is its business). */
  amr: string[];
}

export interface ChallengeInput {
  provider: UpstreamProvider;
  redirectUri: string;
  loginHint?: string;
  now: number;
  /** Prefixes `state` (`<bindTo>.<random>`): the sign-in's interaction, so the callback finds its flow. */
  bindTo?: string;
}

export interface VerifyInput {
  provider: UpstreamProvider;
  request: FederationRequest;
  /** The callback URL as the provider sent the browser to it, query included. */
  callbackUrl: URL;
}

export interface FederationRefusal {
  reason: FederationFailure;
  /** For the log, never the page: what exactly failed. */
  detail: string;
}

/** The clock difference tolerated with a provider (openid-client's default for exp is the same). */
const CLOCK_SKEW_SECONDS = 30;

/** The algorithms an ID token may be signed with: asymmetric only. */
const ASYMMETRIC = /^(RS|PS|ES)(256|384|512)$|^EdDSA$|^Ed25519$/;

export interface UpstreamOidcDeps {
  fetch: Fetch;
  keys: UpstreamKeys;
  /** Seconds an HTTP call to the provider may take. */
  timeoutSeconds?: number;
}

export function upstreamOidcStrategy(deps: UpstreamOidcDeps) {
  const signers = new WeakMap<UpstreamProvider, Promise<client.ClientAuth>>();

  async function configuration(provider: UpstreamProvider, fetch: Fetch): Promise<client.Configuration> {
    const m = provider.metadata;
    const algs = (m.id_token_signing_alg_values_supported ?? ['RS256']).filter((alg) => ASYMMETRIC.test(alg));
    const server: client.ServerMetadata = {
      ...m,
      id_token_signing_alg_values_supported: algs.length ? algs : ['RS256'],
    };
    let auth = signers.get(provider);
    if (!auth) {
      auth = clientAuth(provider);
      signers.set(provider, auth);
    }
    const config = new client.Configuration(server, provider.clientId, {}, await auth);
    config[client.customFetch] = fetch as never;
    config.timeout = deps.timeoutSeconds ?? 10;
    if (new URL(provider.issuer).protocol === 'http:') client.allowInsecureRequests(config);
    // Without this openid-client trusts an ID token from the token endpoint unsigned (TLS vouches for it);
    // TechPass checks its signature against the provider's keys all the same.
    client.enableNonRepudiationChecks(config);
    return config;
  }

  const strategy: CredentialStrategy<
    unknown,
    never,
    ChallengeInput,
    { url: string; request: FederationRequest },
    VerifyInput,
    UpstreamIdentity,
    FederationFailure
  > = {
    id: 'fed',
    kind: 'federated',
    async enrol() {
      return notResponsible;
    },
    async challenge({ provider, redirectUri, loginHint, now, bindTo }) {
      const codeVerifier = client.randomPKCECodeVerifier();
      const request: FederationRequest = {
        provider: provider.name,
        state: bindTo ? `${bindTo}.${client.randomState()}` : client.randomState(),
        nonce: client.randomNonce(),
        codeVerifier,
        startedAt: now,
      };
      const config = await configuration(provider, deps.fetch);
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: provider.scopes.join(' '),
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state: request.state,
        nonce: request.nonce,
        ...(loginHint ? { login_hint: loginHint } : {}),
      });
      return verified({ url: url.href, request });
    },
    async verify(input) {
      const answer = await verifyAnswer(input);
      return answer.kind === 'ok' ? answer : failed(answer.refusal.reason);
    },
  };

  /** Like `verify`, with the detail of a refusal for the log. */
  async function verifyAnswer({
    provider,
    request,
    callbackUrl,
  }: VerifyInput): Promise<{ kind: 'ok'; value: UpstreamIdentity } | { kind: 'refused'; refusal: FederationRefusal }> {
    const refused = (reason: FederationFailure, detail: string) => ({ kind: 'refused', refusal: { reason, detail } }) as const;
    const upstreamError = callbackUrl.searchParams.get('error');
    if (upstreamError) {
      // An error answer is still checked for its state: a forged one must not end someone's sign-in quietly.
      if (callbackUrl.searchParams.get('state') !== request.state)
        return refused('invalid_response', 'error answer with a state that does not match');
      const description = callbackUrl.searchParams.get('error_description');
      return refused('upstream_error', `${upstreamError}${description ? `: ${description}` : ''}`);
    }
    const fetch = deps.keys.keyAwareFetch({ jwksUri: provider.metadata.jwks_uri, tokenEndpoint: provider.metadata.token_endpoint });
    let tokens;
    try {
      const config = await configuration(provider, fetch);
      tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: request.codeVerifier,
        expectedState: request.state,
        expectedNonce: request.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      return refused(...classify(error));
    }
    const claims = tokens.claims();
    if (!claims) return refused('invalid_response', 'no ID token');
    // openid-client checks exp and that iat is a number; a token issued in the future is refused here.
    const nowSeconds = Math.floor(Date.now() / 1000);
    if (typeof claims.iat !== 'number' || claims.iat > nowSeconds + CLOCK_SKEW_SECONDS) {
      return refused('invalid_response', `ID token iat ${String(claims.iat)} is in the future`);
    }
    const identity = identityOf(provider, claims as Record<string, unknown>);
    if (!identity) return refused('unusable_identity', `no ${provider.claims.subject} claim (the subject)`);
    if (identity.email && !servesEmail(provider, identity.email)) {
      return refused('unusable_identity', `e-mail ${identity.email} is outside the provider's domains`);
    }
    return { kind: 'ok', value: identity };
  }

  return { ...strategy, verifyAnswer };
}

export type UpstreamOidcStrategy = ReturnType<typeof upstreamOidcStrategy>;

async function clientAuth(provider: UpstreamProvider): Promise<client.ClientAuth> {
  const credentials = provider.clientCredentials();
  if (credentials.method === 'client_secret') {
    const methods = provider.metadata.token_endpoint_auth_methods_supported;
    // RFC 8414: without a list, client_secret_basic is the default.
    return !methods || methods.includes('client_secret_basic')
      ? client.ClientSecretBasic(credentials.clientSecret)
      : client.ClientSecretPost(credentials.clientSecret);
  }
  const { certificate } = credentials;
  const key = await importPKCS8(credentials.privateKeyPem, certificate.alg);
  return client.PrivateKeyJwt(
    { key: key as CryptoKey, kid: certificate.x5tS256 },
    {
      // Entra ID finds the certificate by its SHA-1 thumbprint (x5t); others by kid.
      [client.modifyAssertion]: (header) => {
        header.x5t = certificate.x5t;
      },
    },
  );
}

/** Why openid-client refused the answer, in our words and its own. */
function classify(error: unknown): [FederationFailure, string] {
  // openid-client wraps what went wrong underneath ("something went wrong") with the cause.
  if (error instanceof client.ClientError && error.message === 'something went wrong' && error.cause) return classify(error.cause);
  const e = error as { name?: string; code?: string; message?: string; error?: string; status?: number; cause?: unknown };
  const detail = `${e.code ?? e.name ?? 'error'}: ${e.message ?? String(error)}`;
  if (error instanceof OutboundError) return ['upstream_unreachable', detail];
  if (error instanceof client.AuthorizationResponseError) return ['upstream_error', `${e.error}: ${e.message}`];
  if (error instanceof client.ResponseBodyError) {
    return [
      e.status !== undefined && e.status >= 500 ? 'upstream_unreachable' : 'invalid_response',
      `token endpoint ${e.status}: ${e.error} ${e.message}`,
    ];
  }
  // fetch failed (refused, reset, DNS), a timeout, or an unusable HTTP answer from the token endpoint or the JWKS.
  if (e.name === 'TypeError' || e.name === 'TimeoutError' || e.name === 'AbortError' || e.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM') {
    const cause = e.cause as { code?: string; message?: string } | undefined;
    return ['upstream_unreachable', `${detail}${cause?.message ? ` (${cause.code ?? ''} ${cause.message})` : ''}`];
  }
  return ['invalid_response', detail];
}

/** The identity the claims describe, by the provider's mapping; null without a subject. */
export function identityOf(
  provider: Pick<UpstreamProvider, 'claims'> & { metadata: { issuer: string } },
  claims: Record<string, unknown>,
): UpstreamIdentity | null {
  const mapped = mapClaims(claims, provider.claims);
  if (!mapped) return null;
  // `email` counts as verified only when the provider says so; a directory name such as Entra's
  // upn or preferred_username (which carries no email_verified) is the provider's own, checked
  // against its domains by the caller.
  const fromEmailClaim = typeof claims.email === 'string' && claims.email.trim().toLowerCase() === mapped.email;
  const emailVerified = mapped.email !== null && (fromEmailClaim ? mapped.emailVerified === true : mapped.emailVerified !== false);
  const amr = Array.isArray(claims.amr) ? claims.amr.filter((v): v is string => typeof v === 'string') : [];
  const present = <K extends string>(key: K, value: string | null) => (value === null ? {} : ({ [key]: value } as Record<K, string>));
  return {
    issuer: provider.metadata.issuer,
    subject: mapped.subject,
    ...present('email', mapped.email),
    emailVerified,
    ...present('givenName', mapped.givenName),
    ...present('familyName', mapped.familyName),
    ...present('agency', mapped.agency),
    ...present('department', mapped.department),
    amr,
  };
}
