/**
 * The discovery check's verdicts, one per way a document can be wrong. The fetch is
 * a stub answering fixed documents (the CLI tests in test/idp-registry.test.ts fetch
 * real ones over HTTP); here the point is which code and message each case gets.
 */
import { describe, expect, it } from 'vitest';
import { OutboundError, type OutboundFetch } from '../../platform/outbound-http.js';
import { checkDiscovery, discoveryUrl } from './discovery.js';

const ISSUER = 'https://idp.agency.gov.sg/realms/officers';
const ENTRA = 'https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0';

const document = (issuer: string, over: Record<string, unknown> = {}) => ({
  issuer,
  authorization_endpoint: `${issuer}/authorize`,
  token_endpoint: `${issuer}/token`,
  jwks_uri: `${issuer}/jwks`,
  end_session_endpoint: `${issuer}/logout`,
  response_types_supported: ['code'],
  id_token_signing_alg_values_supported: ['RS256'],
  code_challenge_methods_supported: ['S256'],
  token_endpoint_auth_methods_supported: ['client_secret_basic', 'private_key_jwt'],
  ...over,
});

const answering =
  (body: unknown, init: ResponseInit = {}): OutboundFetch =>
  async () =>
    new Response(typeof body === 'string' ? body : JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' }, ...init });

const secret = { method: 'client_secret' as const };
const check = (fetch: OutboundFetch, issuer = ISSUER, clientAuth: { method: 'client_secret' | 'private_key_jwt'; alg?: string } = secret) =>
  checkDiscovery(issuer, { fetch, clientAuth });

describe('the discovery check', () => {
  it('reads the document at the issuer without its terminating slash', () => {
    expect(discoveryUrl('https://idp.example/')).toBe('https://idp.example/.well-known/openid-configuration');
    expect(discoveryUrl(ENTRA)).toBe(`${ENTRA}/.well-known/openid-configuration`);
  });

  it('keeps what sign-in needs of a good document', async () => {
    const result = await check(answering({ ...document(ISSUER), something_else: 1 }));
    expect(result).toEqual({
      ok: true,
      value: {
        issuer: ISSUER,
        authorization_endpoint: `${ISSUER}/authorize`,
        token_endpoint: `${ISSUER}/token`,
        jwks_uri: `${ISSUER}/jwks`,
        end_session_endpoint: `${ISSUER}/logout`,
        response_types_supported: ['code'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'private_key_jwt'],
      },
    });
  });

  it('calls a network failure or a 5xx unreachable, with the cause', async () => {
    const down: OutboundFetch = async () => {
      throw new OutboundError('network', 'connect ECONNREFUSED 10.0.0.5:443');
    };
    expect(await check(down)).toMatchObject({ ok: false, error: 'idp.discovery_unreachable', message: expect.stringContaining('ECONNREFUSED') });
    expect(await check(answering('oops', { status: 503 }))).toMatchObject({
      error: 'idp.discovery_unreachable',
      message: expect.stringContaining('HTTP 503'),
    });
  });

  it('calls a 404, a redirect, HTML, a non-object or a huge answer not OIDC', async () => {
    expect(await check(answering('nope', { status: 404 }))).toMatchObject({
      error: 'idp.discovery_not_oidc',
      message: expect.stringContaining('HTTP 404'),
    });
    expect(await check(answering('', { status: 302, headers: { location: 'https://elsewhere.example/' } }))).toMatchObject({
      error: 'idp.discovery_not_oidc',
      message: expect.stringContaining('redirect to https://elsewhere.example/'),
    });
    expect(await check(answering('<html>sign in</html>', { headers: { 'content-type': 'text/html' } }))).toMatchObject({
      error: 'idp.discovery_not_oidc',
      message: expect.stringContaining('not JSON (text/html)'),
    });
    expect(await check(answering([1, 2]))).toMatchObject({ error: 'idp.discovery_not_oidc' });
    expect(await check(answering('x'.repeat(300 * 1024)))).toMatchObject({
      error: 'idp.discovery_not_oidc',
      message: expect.stringContaining('bytes'),
    });
  });

  it('names a missing or unusable endpoint', async () => {
    const { jwks_uri: _gone, ...noJwks } = document(ISSUER);
    expect(await check(answering(noJwks))).toMatchObject({
      error: 'idp.discovery_not_oidc',
      message: expect.stringContaining('jwks_uri is missing'),
    });
    expect(await check(answering(document(ISSUER, { token_endpoint: 'http://idp.agency.gov.sg/token' })))).toMatchObject({
      message: expect.stringContaining('token_endpoint must be an https URL'),
    });
    expect(await check(answering(document(ISSUER, { response_types_supported: ['id_token'] })))).toMatchObject({
      message: expect.stringContaining('not the authorization code flow'),
    });
    expect(await check(answering(document(ISSUER, { id_token_signing_alg_values_supported: ['none', 'HS256'] })))).toMatchObject({
      message: expect.stringContaining('public-key signatures'),
    });
  });

  it('refuses another issuer, and explains the multi-tenant Entra ID endpoints', async () => {
    expect(await check(answering(document(`${ISSUER}/`)))).toMatchObject({
      error: 'idp.discovery_issuer_mismatch',
      message: expect.stringContaining(`names the issuer ${ISSUER}/, not ${ISSUER}`),
    });
    const common = 'https://login.microsoftonline.com/common/v2.0';
    expect(await check(answering(document('https://login.microsoftonline.com/{tenantid}/v2.0')), common)).toMatchObject({
      error: 'idp.discovery_issuer_mismatch',
      message: expect.stringContaining("the tenant's own issuer"),
    });
  });

  it('refuses a provider without PKCE S256, but trusts Entra ID, which supports it without saying so', async () => {
    expect(await check(answering(document(ISSUER, { code_challenge_methods_supported: ['plain'] })))).toMatchObject({
      error: 'idp.discovery_no_s256',
      message: expect.stringContaining('plain, not S256'),
    });
    const { code_challenge_methods_supported: _none, ...silent } = document(ISSUER);
    expect(await check(answering(silent))).toMatchObject({ error: 'idp.discovery_no_s256', message: expect.stringContaining('does not advertise') });
    const { code_challenge_methods_supported: _entra, ...entra } = document(ENTRA, {
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    });
    expect(await check(answering(entra), ENTRA)).toMatchObject({ ok: true });
  });

  it('refuses a client authentication the token endpoint does not take', async () => {
    const secretOnly = document(ISSUER, { token_endpoint_auth_methods_supported: ['client_secret_post'] });
    expect(await check(answering(secretOnly), ISSUER, { method: 'private_key_jwt', alg: 'RS256' })).toMatchObject({
      error: 'idp.discovery_client_auth_unsupported',
      field: 'certPem',
    });
    const jwtOnly = document(ISSUER, {
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['RS256'],
    });
    expect(await check(answering(jwtOnly))).toMatchObject({ error: 'idp.discovery_client_auth_unsupported', field: 'clientSecret' });
    expect(await check(answering(jwtOnly), ISSUER, { method: 'private_key_jwt', alg: 'ES256' })).toMatchObject({
      error: 'idp.discovery_client_auth_unsupported',
      field: 'keyPem',
    });
    expect(await check(answering(jwtOnly), ISSUER, { method: 'private_key_jwt', alg: 'RS256' })).toMatchObject({ ok: true });
    const { token_endpoint_auth_methods_supported: _default, ...basicByDefault } = document(ISSUER);
    expect(await check(answering(basicByDefault))).toMatchObject({ ok: true });
    expect(await check(answering(basicByDefault), ISSUER, { method: 'private_key_jwt', alg: 'RS256' })).toMatchObject({
      error: 'idp.discovery_client_auth_unsupported',
    });
  });
});
