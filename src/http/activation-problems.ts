/**
 * What the activation page (a vendor's first sign-in) says for each of its problems,
 * and with which status; spread into the sign-in's tables (sign-in-views.ts).
 */
import { ERROR_STATUS, ErrorCodes } from '../contracts/errors.js';
import type { ActivationProblem } from '../flows/sign-in-activation-problems.js';
import { MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH } from '../strategies/password/policy.js';

const ASK_ADMIN = 'Ask your tenant administrator (who created your account) to send you a new activation code.';

export const ACTIVATION_PROBLEM_WORDS: Record<ActivationProblem, string> = {
  activation_code_wrong:
    'That activation code is not correct. Enter the code from the SMS we sent to your mobile. After too many wrong codes the account is locked.',
  activation_code_malformed: 'An activation code has 8 digits. Enter the code from the SMS we sent to your mobile.',
  activation_code_expired: `Your activation code has expired. ${ASK_ADMIN}`,
  activation_code_used: `That activation code was already used, and works only once. ${ASK_ADMIN}`,
  password_too_short: `Choose a longer password: at least ${MIN_PASSWORD_LENGTH} characters.`,
  password_too_long: `Choose a shorter password: at most ${MAX_PASSWORD_LENGTH} characters.`,
  password_common: 'That password is one of the most commonly used passwords. Choose another.',
  password_matches_identifier: 'Your password must not contain your e-mail address or username. Choose another.',
  passwords_differ: 'The two passwords are not the same. Type the new password twice.',
};

const WEAK = ERROR_STATUS[ErrorCodes.passwordTooWeak];
const GONE = ERROR_STATUS[ErrorCodes.resetLinkInvalid];

export const ACTIVATION_PROBLEM_STATUS: Record<ActivationProblem, number> = {
  activation_code_wrong: ERROR_STATUS[ErrorCodes.credentialsInvalid],
  activation_code_malformed: ERROR_STATUS[ErrorCodes.inputInvalid],
  activation_code_expired: GONE,
  activation_code_used: GONE,
  password_too_short: WEAK,
  password_too_long: WEAK,
  password_common: WEAK,
  password_matches_identifier: WEAK,
  passwords_differ: ERROR_STATUS[ErrorCodes.inputInvalid],
};
