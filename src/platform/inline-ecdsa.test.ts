import { pbkdf2, verify as nodeVerify, webcrypto } from 'node:crypto';
import { CompactSign, compactVerify, exportJWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { signEcdsaInline } from './inline-ecdsa.js';

const subtle = webcrypto.subtle;
// SubtleCrypto's own methods (the thread-pool path), whether or not this worker installed the inline path already.
const prototype = Object.getPrototypeOf(subtle) as typeof subtle;
const pooled = {
  sign: (...args: Parameters<typeof subtle.sign>) => prototype.sign.apply(subtle, args),
  verify: (...args: Parameters<typeof subtle.verify>) => prototype.verify.apply(subtle, args),
};
const ES256 = { name: 'ECDSA', hash: 'SHA-256' } as const;

let p256: CryptoKeyPair;
beforeAll(async () => {
  signEcdsaInline();
  p256 = (await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])) as CryptoKeyPair;
});

/** Occupies every libuv thread-pool thread (4 by default) for a while; `onJobDone` as each thread comes free. */
function busyThreadPool(onJobDone: () => void): Promise<unknown> {
  const jobs = Array.from(
    { length: Number(process.env.UV_THREADPOOL_SIZE ?? 4) },
    () => new Promise<void>((resolve) => pbkdf2('x', 'salt', 300_000, 32, 'sha256', () => resolve(onJobDone()))),
  );
  return Promise.all(jobs);
}

describe('inline ES256 signing', () => {
  it('signs on the calling thread: the answer does not wait for a busy thread pool, where WebCrypto would', async () => {
    const events: string[] = [];
    const pool = busyThreadPool(() => events.push('a pool thread free'));
    const inline = subtle.sign(ES256, p256.privateKey, new TextEncoder().encode('payload')).then(() => events.push('ES256 inline'));
    const queued = pooled.sign(ES256, p256.privateKey, new TextEncoder().encode('payload')).then(() => events.push('ES256 through the pool'));
    await Promise.all([pool, inline, queued]);
    expect(events[0]).toBe('ES256 inline');
    expect(events.indexOf('a pool thread free')).toBeLessThan(events.indexOf('ES256 through the pool'));
  });

  it('gives what WebCrypto gives: a 64-byte r‖s signature either side verifies, and false for a wrong one', async () => {
    const data = new TextEncoder().encode('header.payload');
    const inlineSignature = await subtle.sign(ES256, p256.privateKey, data);
    const pooledSignature = await pooled.sign(ES256, p256.privateKey, data);
    expect(inlineSignature).toBeInstanceOf(ArrayBuffer);
    expect(inlineSignature.byteLength).toBe(64);
    expect(await pooled.verify(ES256, p256.publicKey, inlineSignature, data)).toBe(true);
    expect(await subtle.verify(ES256, p256.publicKey, pooledSignature, data)).toBe(true);

    const tampered = new Uint8Array(inlineSignature.slice(0));
    tampered[10] = (tampered[10] ?? 0) ^ 1;
    const otherData = new TextEncoder().encode('header.payloaD');
    for (const [signature, signed] of [
      [tampered, data],
      [inlineSignature, otherData],
      [new Uint8Array(63), data],
      [new Uint8Array(0), data],
    ] as const) {
      expect(await subtle.verify(ES256, p256.publicKey, signature, signed)).toBe(false);
      expect(await pooled.verify(ES256, p256.publicKey, signature, signed)).toBe(false);
    }
  });

  it('reads exactly the bytes of a view into a larger buffer', async () => {
    const buffer = new Uint8Array([9, 9, 1, 2, 3, 9]);
    const view = buffer.subarray(2, 5);
    const signature = await subtle.sign(ES256, p256.privateKey, view);
    expect(await pooled.verify(ES256, p256.publicKey, signature, new Uint8Array([1, 2, 3]))).toBe(true);
    expect(await subtle.verify(ES256, p256.publicKey, signature, new DataView(buffer.buffer, 2, 3))).toBe(true);
    expect(await subtle.verify(ES256, p256.publicKey, signature, buffer)).toBe(false);
  });

  it('signs the JWS that jose (and so oidc-provider) makes, verifiable by node:crypto and by jose', async () => {
    const jws = await new CompactSign(new TextEncoder().encode('{"sub":"u1"}')).setProtectedHeader({ alg: 'ES256' }).sign(p256.privateKey);
    const [header, payload, signature] = jws.split('.');
    const publicJwk = await exportJWK(p256.publicKey);
    expect(
      nodeVerify(
        'sha256',
        Buffer.from(`${header}.${payload}`),
        { key: publicJwk, format: 'jwk', dsaEncoding: 'ieee-p1363' } as never,
        Buffer.from(signature!, 'base64url'),
      ),
    ).toBe(true);
    const { payload: verified } = await compactVerify(jws, p256.publicKey);
    expect(new TextDecoder().decode(verified)).toBe('{"sub":"u1"}');
  });

  it('leaves every other call to WebCrypto, errors included', async () => {
    const p384 = (await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, false, ['sign', 'verify'])) as CryptoKeyPair;
    const data = new Uint8Array([1, 2, 3]);
    const es384 = await subtle.sign({ name: 'ECDSA', hash: 'SHA-384' }, p384.privateKey, data);
    expect(es384.byteLength).toBe(96);
    expect(await pooled.verify({ name: 'ECDSA', hash: 'SHA-384' }, p384.publicKey, es384, data)).toBe(true);
    // ECDSA P-256 with another hash is not ES256.
    const es256sha384 = await subtle.sign({ name: 'ECDSA', hash: 'SHA-384' }, p256.privateKey, data);
    expect(await pooled.verify({ name: 'ECDSA', hash: 'SHA-384' }, p256.publicKey, es256sha384, data)).toBe(true);

    await expect(subtle.sign(ES256, p256.publicKey, data)).rejects.toMatchObject({ name: 'InvalidAccessError' });
    const verifyOnly = (await subtle.importKey(
      'jwk',
      await exportJWK(p256.publicKey),
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      [],
    )) as CryptoKey;
    await expect(subtle.verify(ES256, verifyOnly, new Uint8Array(64), data)).rejects.toMatchObject({ name: 'InvalidAccessError' });
  });

  it('installs once', () => {
    const installedSign = subtle.sign;
    signEcdsaInline();
    expect(subtle.sign).toBe(installedSign);
    expect(Object.hasOwn(subtle, 'sign')).toBe(true);
  });
});
