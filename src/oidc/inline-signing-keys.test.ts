import { verify as nodeVerify, webcrypto } from 'node:crypto';
import { compactVerify, importJWK, type JWK } from 'jose';
import Provider, { ExternalSigningKey } from 'oidc-provider';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateSigningJwk } from '../platform/jwk.js';
import { inlineSigningKeys } from './inline-signing-keys.js';
import { EXTERNAL_SIGNING_ACK } from './patches/oidc-provider.js';

const es256 = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  ...generateSigningJwk('ES256'),
  kid: 'es-1',
  alg: 'ES256',
  use: 'sig',
  ...extra,
});
const publicPart = ({ d: _d, ...rest }: Record<string, unknown>) => rest;

afterEach(() => vi.restoreAllMocks());

describe('inline ES256 signing keys', () => {
  it('hands the current ES256 key over as an external signing key, and every other key as it is', () => {
    const current = es256();
    const next = es256({ kid: 'es-2', key_ops: ['verify'] });
    const rsa = { ...generateSigningJwk('RS256'), kid: 'rs-1', alg: 'RS256', use: 'sig' };
    const [inline, verifyOnly, rs256] = inlineSigningKeys([current, next, rsa]);
    expect(inline).toBeInstanceOf(ExternalSigningKey);
    expect(verifyOnly).toBe(next);
    expect(rs256).toBe(rsa);
    const key = inline as ExternalSigningKey;
    expect({ kid: key.kid, alg: key.alg, use: key.use, kty: key.kty, crv: key.crv, x: key.x, y: key.y }).toEqual({
      kid: 'es-1',
      alg: 'ES256',
      use: 'sig',
      kty: 'EC',
      crv: 'P-256',
      x: current.x,
      y: current.y,
    });
    expect((key.keyObject() as { type: string }).type).toBe('public');
  });

  it('signs synchronously with node:crypto (a 64-byte r‖s signature), never through crypto.subtle', () => {
    const subtleSign = vi.spyOn(webcrypto.subtle, 'sign');
    const jwk = es256();
    const key = inlineSigningKeys([jwk])[0] as ExternalSigningKey;
    const data = new TextEncoder().encode('header.payload');
    const signature = key.sign(data) as Uint8Array;
    expect(signature.byteLength).toBe(64);
    expect(nodeVerify('sha256', data, { key: publicPart(jwk) as never, format: 'jwk', dsaEncoding: 'ieee-p1363' }, signature)).toBe(true);
    expect(subtleSign).not.toHaveBeenCalled();
  });

  it('is published by the provider as the same public key, which verifies what it signs', async () => {
    const jwk = es256();
    const provider = new Provider('http://127.0.0.1:1', {
      jwks: { keys: inlineSigningKeys([jwk]) as never },
      features: { devInteractions: { enabled: false }, externalSigningSupport: { enabled: true, ack: EXTERNAL_SIGNING_ACK } },
    });
    const published = (await (await fetchJwks(provider)).json()) as { keys: JWK[] };
    expect(published.keys).toEqual([{ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, kid: 'es-1', alg: 'ES256', use: 'sig' }]);
    // What oidc-provider does with an external key (lib/helpers/jwt.js): sign `header.payload`, append the signature.
    const key = inlineSigningKeys([jwk])[0] as ExternalSigningKey;
    const signingInput = `${Buffer.from('{"alg":"ES256","kid":"es-1"}').toString('base64url')}.${Buffer.from('{"sub":"u1"}').toString('base64url')}`;
    const jws = `${signingInput}.${Buffer.from(key.sign(Buffer.from(signingInput)) as Uint8Array).toString('base64url')}`;
    const { protectedHeader } = await compactVerify(jws, await importJWK(published.keys[0]!, 'ES256'));
    expect(protectedHeader).toMatchObject({ alg: 'ES256', kid: 'es-1' });
  });
});

/** The provider's JWKS endpoint, answered in-process. */
async function fetchJwks(provider: Provider): Promise<Response> {
  const { createServer } = await import('node:http');
  const server = createServer(provider.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  try {
    return new Response(await (await fetch(`http://127.0.0.1:${address.port}/jwks`)).text());
  } finally {
    server.close();
  }
}
