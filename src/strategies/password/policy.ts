/**
 * The password policy: at least 12 characters, at most 256, and not among the
 * ~49,000 most common passwords (the dictionary shipped by @zxcvbn-ts/language-common;
 * no network look-ups), nor the account's own identifiers.
 */
import { onFirstUse } from '../../platform/lazy-require.js';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

/** The common passwords, read from @zxcvbn-ts/language-common at the first check rather than at start (the dictionaries are ≈ 4 MB of heap). */
const languageCommon = onFirstUse<typeof import('@zxcvbn-ts/language-common')>('@zxcvbn-ts/language-common');
let common: Set<string> | undefined;
function commonPasswords(): Set<string> {
  common ??= new Set((languageCommon().dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));
  return common;
}

export type PasswordProblem = 'too_short' | 'too_long' | 'common' | 'matches_identifier';

export function checkPassword(password: string, identifiers: Array<string | null | undefined> = []): PasswordProblem | null {
  if ([...password].length < MIN_PASSWORD_LENGTH) return 'too_short';
  if (password.length > MAX_PASSWORD_LENGTH) return 'too_long';
  const lower = password.toLowerCase();
  if (commonPasswords().has(lower)) return 'common';
  for (const id of identifiers) {
    if (!id) continue;
    const value = id.toLowerCase();
    const local = value.split('@')[0] ?? value;
    if (lower === value || (local.length >= 4 && lower.includes(local))) return 'matches_identifier';
  }
  return null;
}

export function describePasswordProblem(problem: PasswordProblem): string {
  switch (problem) {
    case 'too_short':
      return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
    case 'too_long':
      return `must be at most ${MAX_PASSWORD_LENGTH} characters`;
    case 'common':
      return 'is one of the most commonly used passwords; choose another';
    case 'matches_identifier':
      return 'must not contain your e-mail address or username';
  }
}
