/**
 * The platform's Privacy Policy and Terms of Use as configured: each a text file
 * (PRIVACY_POLICY_FILE, TERMS_OF_USE_FILE) or the built-in text, with its version
 * (PRIVACY_POLICY_VERSION, TERMS_OF_USE_VERSION). Read once at start-up; a file that
 * cannot be read stops the start with one line naming the setting.
 */
import { readFileSync } from 'node:fs';
import type { Config } from './config.js';
import { ConfigError } from './config.js';

export interface PolicyText {
  version: number;
  text: string;
}

export interface PlatformPolicyTexts {
  privacy: PolicyText;
  terms: PolicyText;
}

export const BUILT_IN_PRIVACY_POLICY = `TechPass is the identity and access service of the Singapore Government Tech Stack. This Privacy Policy says what TechPass keeps about you and why.

What we keep: your name, your organisational e-mail address and TechPass ID, your mobile number when you give one, your agency and department, the second factors you enrol (never their secrets in clear), and a record of your sign-ins (time, address, application, and the browser used).

Why: to prove who you are to the applications you use, to protect your account (locking it after repeated failures, telling you about sign-ins), and to audit access to government systems.

Who sees it: the applications you sign in to receive only what they ask for and you are allowed to share (your TechPass ID, name and e-mail, and your groups). The TechPass team and your agency's administrators can see your account and its audit trail. Nothing is sold or shared for advertising.

How long: your account's data is kept while the account exists, and the audit trail for as long as the law requires.

Questions or corrections: contact the TechPass team through your agency's IT helpdesk.`;

export const BUILT_IN_TERMS_OF_USE = `These Terms of Use apply to every TechPass account.

Use TechPass only for authorised government work, and only with your own account. Keep your password, your authenticator and your passkeys to yourself; never share a sign-in code.

Report at once any sign-in you did not start ("No, it's not me" in the TechPass Authenticator), and any loss of a device you use as a second factor.

TechPass records sign-ins and changes to accounts; these records may be reviewed. An account that is misused, or not used for a long time, may be disabled.

Each application you use through TechPass may have terms of its own, which you accept when you first use it.`;

function readPolicy(setting: string, file: string | undefined, builtIn: string): string {
  if (!file) return builtIn;
  try {
    const text = readFileSync(file, 'utf8').trim();
    if (!text) throw new Error('the file is empty');
    return text;
  } catch (error) {
    throw new ConfigError(`${setting}: cannot read ${file} (${(error as Error).message})`);
  }
}

export function loadPolicyTexts(
  config: Pick<Config, 'PRIVACY_POLICY_FILE' | 'PRIVACY_POLICY_VERSION' | 'TERMS_OF_USE_FILE' | 'TERMS_OF_USE_VERSION'>,
): PlatformPolicyTexts {
  return {
    privacy: { version: config.PRIVACY_POLICY_VERSION, text: readPolicy('PRIVACY_POLICY_FILE', config.PRIVACY_POLICY_FILE, BUILT_IN_PRIVACY_POLICY) },
    terms: { version: config.TERMS_OF_USE_VERSION, text: readPolicy('TERMS_OF_USE_FILE', config.TERMS_OF_USE_FILE, BUILT_IN_TERMS_OF_USE) },
  };
}
