/**
 * The upstream provider's signing keys as the ID-token check sees them: one JWKS per
 * provider, kept until an ID token names a key it does not hold. Then, before the
 * token is checked, the JWKS is fetched again, so a provider that rotates its keys
 * needs no restart of TechPass (openid-client's own cache refetches only when its copy
 * is a minute old).
 *
 * How: every check runs with a fresh openid-client configuration (its cache empty),
 * whose `fetch` is `keyAwareFetch`. The token response passes through it first: its
 * ID token's `kid` is read from the header (nothing else is trusted from it), and a
 * JWKS without that key is fetched again, at most once per second per provider. The
 * JWKS request that follows is answered from the copy kept here.
 */
import { decodeProtectedHeader, type JSONWebKeySet } from 'jose';

type Fetch = (input: string | URL, init?: RequestInit) => Promise<Response>;

const MIN_REFETCH_MS = 1000;

interface Held {
  jwks: JSONWebKeySet;
  fetchedAt: number;
}

export interface UpstreamKeys {
  /** A fetch for one token exchange with the provider whose JWKS is at `jwksUri`. */
  keyAwareFetch(endpoints: { jwksUri: string; tokenEndpoint: string }): Fetch;
}

const urlOf = (input: string | URL) => (typeof input === 'string' ? input : input.href);

export function upstreamKeys(fetchImpl: Fetch, now: () => number = Date.now): UpstreamKeys {
  const held = new Map<string, Held>();

  async function download(jwksUri: string, init?: RequestInit): Promise<Response> {
    const response = await fetchImpl(jwksUri, { ...init, method: 'GET' });
    if (!response.ok) return response;
    const body = (await response.json().catch(() => null)) as JSONWebKeySet | null;
    if (!body || !Array.isArray(body.keys))
      return new Response('{"keys":"invalid"}', { status: 200, headers: { 'content-type': 'application/json' } });
    held.set(jwksUri, { jwks: body, fetchedAt: now() });
    return jwksResponse(body);
  }

  return {
    keyAwareFetch({ jwksUri, tokenEndpoint }) {
      return async (input, init) => {
        const url = urlOf(input);
        if (url === jwksUri) {
          const copy = held.get(jwksUri);
          return copy ? jwksResponse(copy.jwks) : download(jwksUri, init);
        }
        const response = await fetchImpl(input, init);
        if (url !== tokenEndpoint || !response.ok) return response;
        const kid = await idTokenKid(response.clone());
        const copy = held.get(jwksUri);
        if (kid && copy && !copy.jwks.keys.some((k) => k.kid === kid) && now() - copy.fetchedAt >= MIN_REFETCH_MS) {
          await download(jwksUri).catch(() => undefined);
        }
        return response;
      };
    },
  };
}

function jwksResponse(jwks: JSONWebKeySet): Response {
  return new Response(JSON.stringify(jwks), { status: 200, headers: { 'content-type': 'application/json' } });
}

/** The `kid` in the header of the token response's ID token, if it has one (the token is checked later, in full). */
async function idTokenKid(response: Response): Promise<string | undefined> {
  try {
    const body = (await response.json()) as { id_token?: unknown };
    if (typeof body.id_token !== 'string') return undefined;
    const { kid } = decodeProtectedHeader(body.id_token);
    return typeof kid === 'string' ? kid : undefined;
  } catch {
    return undefined;
  }
}
