/**
 * The mails that tell a person their second factors changed: one added, one removed (by
 * themselves or by a TechPass administrator). Written in the transaction of the change.
 */
import { FACTOR_NAMES } from '../contracts/factors.js';
import { brandedMail } from './messages.js';
import type { UserFactor } from './user-directory.js';
import { techpassId, type User } from './users.js';

export const FACTOR_NAME: Record<UserFactor['type'], string> = {
  totp: FACTOR_NAMES.otp.name,
  passkey: FACTOR_NAMES.hwk.name,
  authenticator: FACTOR_NAMES.swk.name,
};

const article = (name: string) => (/^[aeiou]/i.test(name) ? 'An' : 'A');
const IF_NOT_YOU = 'If you did not do this, contact the TechPass team (your agency IT helpdesk) at once.';

export function factorAddedMail(user: User, factor: Pick<UserFactor, 'type' | 'label'>, publicUrl: string) {
  const name = FACTOR_NAME[factor.type];
  return brandedMail({
    to: user.email,
    subject: `${article(name)} ${name} was added to your TechPass account`,
    techpassId: techpassId(user),
    lines: [
      `Hello ${user.givenName},`,
      '',
      `${article(name)} ${name} "${factor.label}" was added to your account ${techpassId(user)} as a second factor.`,
      `You can see your second factors in the TechPass portal: ${publicUrl}/portal/account/security`,
      '',
      IF_NOT_YOU,
    ],
  });
}

/** A factor removed by the person (`self`) or by an administrator (`admin`); either way every other session was signed out. */
export function factorRemovedMail(user: User, removed: Pick<UserFactor, 'type' | 'label'>, by: 'self' | 'admin') {
  const name = FACTOR_NAME[removed.type];
  return brandedMail({
    to: user.email,
    subject: `Your ${name} was removed from TechPass`,
    techpassId: techpassId(user),
    lines: [
      `Hello ${user.givenName},`,
      '',
      by === 'self'
        ? `You removed your ${name} "${removed.label}" from your account ${techpassId(user)}.`
        : `A TechPass administrator removed your ${name} "${removed.label}" from your account ${techpassId(user)},`,
      by === 'self' ? 'Every other session of your account was signed out.' : 'and signed you out everywhere.',
      '',
      by === 'self' ? IF_NOT_YOU : 'If you did not ask for this, contact the TechPass team (your agency IT helpdesk) at once.',
    ],
  });
}
