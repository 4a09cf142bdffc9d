/**
 * TechPass authenticates at the provider's token endpoint with `private_key_jwt`: an
 * assertion signed by the key of a certificate of ours (the way Entra ID prefers), which the
 * provider checks against the certificate's public key. The provider is independent
 * (oidc-provider with its own keys); the journey is driven over HTTP.
 */
import { createPublicKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityProviderDeps } from '../src/cli/commands/idp-options.js';
import { FEDERATION_CALLBACK_PATH } from '../src/domain/identity-providers.js';
import { addIdentityProvider } from '../src/flows/identity-providers.js';
import type { UpstreamProvider } from '../src/oidc/demo-upstream/index.js';
import { engine } from './helpers/database.js';
import { application, namespace, user } from './helpers/directory.js';
import { toUpstream } from './helpers/federation.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { completeSignIn, finishAuthorization } from './helpers/sign-in.js';
import { signInAtUpstream, startTestUpstream, upstreamUser } from './helpers/upstream.js';
import { selfSignedCertificate } from './helpers/x509.js';

type App = Awaited<ReturnType<typeof application>>;

describe(`private_key_jwt at an integrated provider (${engine})`, () => {
  let tp: TestServer;
  let app: App;
  let upstream: UpstreamProvider;

  beforeAll(async () => {
    tp = await startTestServer({ env: { OUTBOUND_ALLOW_PRIVATE: 'true' } });
    await namespace(tp, 'pkjwt');
    app = await application(tp, { namespace: 'pkjwt', name: 'Certificate app' });
    await user(tp, 'cert.officer@certs.gov.sg', { password: null });
    const cert = selfSignedCertificate({ commonName: 'techpass at certs', keyType: 'rsa', notAfter: new Date(Date.now() + 365 * 86_400_000) });
    const publicJwk = createPublicKey(cert.privateKey).export({ format: 'jwk' });
    upstream = await startTestUpstream(
      {
        clientId: 'techpass-certs',
        jwks: { keys: [{ ...publicJwk, kid: cert.x5tS256, alg: cert.alg, use: 'sig' }] },
        tokenEndpointAuthMethod: 'private_key_jwt',
        redirectUris: [`${tp.issuer}${FEDERATION_CALLBACK_PATH}`],
      },
      { users: [upstreamUser('cert.officer@certs.gov.sg')] },
    );
    const added = await addIdentityProvider(identityProviderDeps(tp.server.store, tp.config), 'test', {
      name: 'certs',
      displayName: 'Certificate provider',
      issuer: upstream.issuer,
      clientId: 'techpass-certs',
      credentials: {
        method: 'private_key_jwt',
        certificatePem: cert.pem,
        privateKeyPem: cert.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      },
      domains: ['certs.gov.sg'],
    });
    if (!added.ok) throw new Error(added.message);
  });
  afterAll(async () => {
    await tp?.close();
    await upstream?.close();
  });

  it('redeems the code with an assertion signed by our certificate’s key', async () => {
    const email = 'cert.officer@certs.gov.sg';
    const back = (u: string) => u.startsWith(app.redirectUri);
    const at = await toUpstream(tp, app, email, upstream);
    const next = await signInAtUpstream(at.browser, at.page, { email }, back);
    const last = await completeSignIn(at.browser, next, { ...app, login: email, password: 'unused' });
    expect(last.stopped).toBe(true);
    const tokens = await finishAuthorization(at.start, last.url);
    expect(tokens.claims()?.amr).toEqual(expect.arrayContaining(['fed', 'mfa']));
    expect(upstream.seen.tokenRequests.at(-1)).toMatchObject({
      clientId: 'techpass-certs',
      grantType: 'authorization_code',
      authMethod: 'private_key_jwt',
    });
  });
});
