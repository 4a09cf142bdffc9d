/**
 * Passkeys (WebAuthn) with @simplewebauthn/server: the options a browser passes
 * to navigator.credentials.create()/get(), and the checks of what comes back.
 * A passkey is a phishing-resistant possession factor bound to our origin (amr
 * `hwk`); user verification (PIN or biometric) is required, so a passkey alone
 * is also two factors. Challenges are made here and kept server-side by the
 * caller (in the sign-in flow), single use.
 */
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';

/** @simplewebauthn/server (and its ASN.1 and COSE parsers) is loaded by the first passkey ceremony, not at start. */
const webauthn = () => import('@simplewebauthn/server');

/** The relying party: TechPass itself, at its public URL. WebAuthn needs a host name (localhost or a domain), not an IP address. */
export interface RelyingParty {
  id: string;
  name: string;
  origin: string;
}

export function relyingPartyFor(publicUrl: string): RelyingParty {
  const url = new URL(publicUrl);
  return { id: url.hostname, name: 'TechPass', origin: url.origin };
}

/** A registered passkey as stored: its credential id, COSE public key (base64url) and signature counter. */
export interface StoredPasskey {
  credentialId: string;
  publicKey: string;
  counter: number;
  transports: string[];
}

export interface NewPasskey extends StoredPasskey {
  aaguid: string;
  deviceType: 'singleDevice' | 'multiDevice';
  backedUp: boolean;
}

export type PasskeyCheck<T> = { ok: true; value: T } | { ok: false; reason: 'malformed' | 'not_verified' | 'unknown_credential' };

const TIMEOUT_MS = 120_000;
// ES256 first (every platform authenticator), RS256 for Windows Hello.
const ALGORITHMS = [-7, -257];

export async function registrationOptions(
  rp: RelyingParty,
  user: { id: string; techpassId: string; displayName: string },
  existing: StoredPasskey[],
  challenge: string,
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const { generateRegistrationOptions } = await webauthn();
  return generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    // The user handle is our opaque account id, never personal data.
    userID: new TextEncoder().encode(user.id),
    userName: user.techpassId,
    userDisplayName: user.displayName,
    challenge: challengeBytes(challenge),
    timeout: TIMEOUT_MS,
    attestationType: 'none',
    excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: p.transports })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    supportedAlgorithmIDs: ALGORITHMS,
  });
}

export async function verifyRegistration(rp: RelyingParty, response: unknown, expectedChallenge: string): Promise<PasskeyCheck<NewPasskey>> {
  if (!isCredentialJson(response)) return { ok: false, reason: 'malformed' };
  const { verifyRegistrationResponse } = await webauthn();
  try {
    const verified = await verifyRegistrationResponse({
      response: response as unknown as RegistrationResponseJSON,
      expectedChallenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
      supportedAlgorithmIDs: ALGORITHMS,
    });
    if (!verified.verified) return { ok: false, reason: 'not_verified' };
    const info = verified.registrationInfo;
    return {
      ok: true,
      value: {
        credentialId: info.credential.id,
        publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
        counter: info.credential.counter,
        transports: info.credential.transports ?? [],
        aaguid: info.aaguid,
        deviceType: info.credentialDeviceType,
        backedUp: info.credentialBackedUp,
      },
    };
  } catch {
    // A wrong challenge, origin, RP id or signature: the library says why in an exception.
    return { ok: false, reason: 'not_verified' };
  }
}

/** Options for a sign-in: `allow` lists the account's passkeys (empty lets the browser offer any discoverable one). */
export async function authenticationOptions(
  rp: RelyingParty,
  allow: StoredPasskey[],
  challenge: string,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const { generateAuthenticationOptions } = await webauthn();
  return generateAuthenticationOptions({
    rpID: rp.id,
    challenge: challengeBytes(challenge),
    timeout: TIMEOUT_MS,
    userVerification: 'required',
    allowCredentials: allow.map((p) => ({ id: p.credentialId, transports: p.transports })),
  });
}

/** The credential id an assertion claims to be from (to look the passkey up), or null if it is not an assertion. */
export function assertionCredentialId(response: unknown): string | null {
  return isCredentialJson(response) ? response.id : null;
}

/** Checks an assertion against the stored passkey; answers the new signature counter. */
export async function verifyAssertion(
  rp: RelyingParty,
  response: unknown,
  expectedChallenge: string,
  passkey: StoredPasskey,
): Promise<PasskeyCheck<{ counter: number }>> {
  if (!isCredentialJson(response)) return { ok: false, reason: 'malformed' };
  if (response.id !== passkey.credentialId) return { ok: false, reason: 'unknown_credential' };
  const { verifyAuthenticationResponse } = await webauthn();
  try {
    const verified = await verifyAuthenticationResponse({
      response: response as unknown as AuthenticationResponseJSON,
      expectedChallenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
      credential: {
        id: passkey.credentialId,
        publicKey: Buffer.from(passkey.publicKey, 'base64url'),
        counter: passkey.counter,
        transports: passkey.transports as AuthenticatorTransportFuture[],
      },
    });
    return verified.verified ? { ok: true, value: { counter: verified.authenticationInfo.newCounter } } : { ok: false, reason: 'not_verified' };
  } catch {
    return { ok: false, reason: 'not_verified' };
  }
}

// The library base64url-encodes a string challenge as text; ours is already base64url, so hand it the bytes.
const challengeBytes = (challenge: string) => new Uint8Array(Buffer.from(challenge, 'base64url'));

type AuthenticatorTransportFuture = 'ble' | 'cable' | 'hybrid' | 'internal' | 'nfc' | 'smart-card' | 'usb';

function isCredentialJson(value: unknown): value is { id: string; rawId: string; type: string; response: Record<string, unknown> } {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.id === 'string' &&
    /^[A-Za-z0-9_-]{16,1400}$/.test(v.id) &&
    typeof v.rawId === 'string' &&
    v.type === 'public-key' &&
    !!v.response &&
    typeof v.response === 'object'
  );
}
