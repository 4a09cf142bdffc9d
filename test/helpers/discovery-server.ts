/**
 * A small upstream "provider" on 127.0.0.1 for registry tests: it serves discovery
 * documents (and a key set) at several issuers, one per path, each right or wrong in
 * its own way. Only what registration reads: no sign-in (the full upstream provider
 * for the journey tests is a separate oidc-provider instance).
 *
 *   <base>/good, <base>/other      correct documents (their own issuer, S256, an end_session_endpoint)
 *   <base>/no-logout               correct, without an end_session_endpoint
 *   <base>/secret-only             correct, but its token endpoint takes client secrets only
 *   <base>/broken                  HTTP 500
 *   <base>/html                    a sign-in page (HTML), as a wrong URL often answers
 *   <base>/mismatch                a document naming another issuer
 *   <base>/no-s256                 PKCE with plain only
 *   anything else                  404
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DiscoveryServer {
  base: string;
  issuer(path: string): string;
  /** How many times each discovery document was asked for, by issuer path. */
  hits: Map<string, number>;
  close(): Promise<void>;
}

const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });

export async function startDiscoveryServer(): Promise<DiscoveryServer> {
  const hits = new Map<string, number>();
  let base = '';
  const document = (name: string, over: Record<string, unknown> = {}) => {
    const issuer = `${base}/${name}`;
    return {
      issuer,
      authorization_endpoint: `${issuer}/auth`,
      token_endpoint: `${issuer}/token`,
      jwks_uri: `${issuer}/jwks`,
      userinfo_endpoint: `${issuer}/me`,
      end_session_endpoint: `${issuer}/session/end`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['ES256', 'RS256'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
      scopes_supported: ['openid', 'email', 'profile'],
      authorization_response_iss_parameter_supported: true,
      ...over,
    };
  };
  const server: Server = createServer((req, res) => {
    const [, name = '', ...rest] = (req.url ?? '/').split('/');
    const path = `/${rest.join('/')}`;
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (path === '/jwks') return json(200, { keys: [{ ...jwk, kid: 'k1', use: 'sig', alg: 'ES256' }] });
    if (path !== '/.well-known/openid-configuration') return json(404, { error: 'not_found' });
    hits.set(name, (hits.get(name) ?? 0) + 1);
    switch (name) {
      case 'good':
      case 'other':
        return json(200, document(name));
      case 'no-logout': {
        const { end_session_endpoint: _none, ...rest } = document(name);
        return json(200, rest);
      }
      case 'secret-only':
        return json(200, document(name, { token_endpoint_auth_methods_supported: ['client_secret_basic'] }));
      case 'broken':
        return json(500, { error: 'server_error' });
      case 'html':
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end('<!doctype html><title>Sign in</title><h1>Sign in to your account</h1>');
      case 'mismatch':
        return json(200, document('someone-else'));
      case 'no-s256':
        return json(200, document(name, { code_challenge_methods_supported: ['plain'] }));
      default:
        return json(404, { error: 'not_found' });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    issuer: (name) => `${base}/${name}`,
    hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
