/**
 * What the activation page (a vendor's first sign-in, sign-in-activation.ts) may say
 * went wrong, as sign-in problems (`?problem=` on the page). Kept apart so the shared
 * list in sign-in-steps.ts takes them with one line.
 */
export const ACTIVATION_PROBLEMS = [
  /** Not the account's code: counted towards the lockout like a wrong password. */
  'activation_code_wrong',
  /** Not 8 digits: not counted (it cannot be anybody's code). */
  'activation_code_malformed',
  'activation_code_expired',
  'activation_code_used',
  'password_too_short',
  'password_too_long',
  'password_common',
  'password_matches_identifier',
  'passwords_differ',
] as const;
export type ActivationProblem = (typeof ACTIVATION_PROBLEMS)[number];
