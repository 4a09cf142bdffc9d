/**
 * Credentials are strategies (DESIGN §3). Each credential type (password, TOTP,
 * the TechPass Authenticator's push, passkey, and later an upstream identity
 * provider) lives in its own folder under src/strategies/ and offers the same
 * three steps: `enrol` a credential, issue a `challenge`, `verify` a proof. Each
 * answers one tagged result:
 *
 * - `not_responsible`: this strategy has nothing to say for this subject (no
 *   such credential enrolled, a proof of another kind); the caller tries
 *   another or answers as for a wrong credential;
 * - `ok` with a value;
 * - `failed` with a reason the caller maps to a problem to show.
 *
 * Strategies hold the credential's own rules and storage. What a flow adds
 * around them (the lockout, the account's standing, the flow's state) stays in
 * src/flows, and strategies never import flows or each other.
 */
import type { FactorId } from '../contracts/factors.js';

export type StrategyResult<T, Reason extends string = string> =
  { kind: 'not_responsible' } | { kind: 'ok'; value: T } | { kind: 'failed'; reason: Reason };

export const notResponsible = { kind: 'not_responsible' } as const;
export const verified = <T>(value: T) => ({ kind: 'ok', value }) as const;
export const failed = <R extends string>(reason: R) => ({ kind: 'failed', reason }) as const;

/** What a factor proves (NIST SP 800-63B): the assurance level follows from the kinds proven together. */
export type FactorKind = 'knowledge' | 'possession' | 'phishing_resistant' | 'federated';

/**
 * One credential type. `E*`, `C*` and `V*` are each strategy's own inputs and
 * values (a TOTP code, a WebAuthn response, a signed device answer); `R` its
 * failure reasons.
 */
export interface CredentialStrategy<EIn, EOut, CIn, COut, VIn, VOut, R extends string = string> {
  readonly id: FactorId;
  readonly kind: FactorKind;
  enrol(input: EIn): Promise<StrategyResult<EOut, R>>;
  challenge(input: CIn): Promise<StrategyResult<COut, R>>;
  verify(input: VIn): Promise<StrategyResult<VOut, R>>;
}
