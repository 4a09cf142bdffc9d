/**
 * The factors a sign-in counts, one typed union used everywhere: the flows, the
 * `amr` claim (RFC 8176 values), the `user_factors.kind` column, the pages and the
 * e-mails. What each factor is called to a person is defined here, once.
 */

/** A first step or a second factor, by its RFC 8176 `amr` value. `fed` is reserved for an upstream identity provider. */
export type FactorId = 'pwd' | 'otp' | 'swk' | 'hwk' | 'fed';

/** The second factors a person enrols: the TechPass Authenticator (swk), an authenticator app (otp), a passkey (hwk). */
export type SecondFactorId = 'swk' | 'otp' | 'hwk';

/** Preferred first: a passkey (phishing-resistant), the TechPass Authenticator's push, then TOTP. */
export const SECOND_FACTORS: readonly SecondFactorId[] = ['hwk', 'swk', 'otp'];

export const isSecondFactor = (value: unknown): value is SecondFactorId => SECOND_FACTORS.includes(value as SecondFactorId);

/** The `user_factors.kind` of the factors kept in that table (the TechPass Authenticator's devices have their own). */
export type StoredFactorKind = 'totp' | 'passkey';
export const STORED_KIND = { otp: 'totp', hwk: 'passkey' } as const satisfies Partial<Record<SecondFactorId, StoredFactorKind>>;

export interface FactorNames {
  /** The factor in a sentence: "Your passkey was removed from TechPass". */
  name: string;
  /** What the person holds: "I can't use my phone", "your phone is removed". */
  held: string;
  /** The link to switch to it while signing in. */
  useInstead: string;
  /** The link to switch to it while setting up a factor. */
  enrolInstead: string;
}

/** What each second factor is called to its owner, on pages and in e-mails. */
export const FACTOR_NAMES: Record<SecondFactorId, FactorNames> = {
  swk: {
    name: 'TechPass Authenticator',
    held: 'phone',
    useInstead: 'Use the TechPass Authenticator instead',
    enrolInstead: 'Set up the TechPass Authenticator instead',
  },
  otp: {
    name: 'authenticator app (verification codes)',
    held: 'authenticator app',
    useInstead: 'Use a verification code instead',
    enrolInstead: 'Use another authenticator app instead',
  },
  hwk: {
    name: 'passkey',
    held: 'passkey',
    useInstead: 'Use a passkey instead',
    enrolInstead: 'Use a passkey instead',
  },
};

/** The default label of a factor kept in `user_factors`, when its owner gave none. */
export const DEFAULT_FACTOR_LABEL = { otp: 'Authenticator app', hwk: 'Passkey' } as const;
