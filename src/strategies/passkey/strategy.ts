/**
 * Passkeys (WebAuthn) as a credential strategy (phishing-resistant). The flow
 * keeps each prompt's challenge and the stored passkeys; this strategy makes the
 * options the browser hands navigator.credentials (`challenge`), checks a new
 * passkey's registration (`enrol`) and an assertion against the stored passkey
 * it names (`verify`). An assertion naming no stored passkey (or another
 * account's) is not this account's: `not_responsible`.
 */
import { failed, notResponsible, verified, type CredentialStrategy } from '../../domain/credentials.js';
import {
  assertionCredentialId,
  authenticationOptions,
  registrationOptions,
  verifyAssertion,
  verifyRegistration,
  type NewPasskey,
  type RelyingParty,
  type StoredPasskey,
} from './passkey.js';

export type PasskeyFailure = 'malformed' | 'not_verified' | 'unknown_credential';

export interface PasskeyHolder {
  id: string;
  techpassId: string;
  displayName: string;
}

export type PasskeyStrategy = CredentialStrategy<
  { response: unknown; challenge: string },
  NewPasskey,
  { challenge: string; existing: StoredPasskey[]; register?: PasskeyHolder | undefined },
  unknown,
  { response: unknown; challenge: string; stored: StoredPasskey | null },
  { counter: number },
  PasskeyFailure
> & {
  /** The credential id an assertion names, to look its passkey up; null when it is not an assertion. */
  credentialIdOf(response: unknown): string | null;
};

export function passkeyStrategy(rp: RelyingParty): PasskeyStrategy {
  return {
    id: 'hwk',
    kind: 'phishing_resistant',
    credentialIdOf: assertionCredentialId,
    async enrol({ response, challenge }) {
      const check = await verifyRegistration(rp, response, challenge);
      return check.ok ? verified(check.value) : failed(check.reason);
    },
    async challenge({ challenge, existing, register }) {
      // Registering excludes the passkeys the account has; signing in allows only them (none: any discoverable one).
      const options = register ? await registrationOptions(rp, register, existing, challenge) : await authenticationOptions(rp, existing, challenge);
      return verified(options as unknown);
    },
    async verify({ response, challenge, stored }) {
      if (!stored) return notResponsible;
      const check = await verifyAssertion(rp, response, challenge, stored);
      return check.ok ? verified(check.value) : failed(check.reason);
    },
  };
}
