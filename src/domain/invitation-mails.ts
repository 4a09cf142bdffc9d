/**
 * The e-mails of an invitation: the registration link to the invitee, the welcome once
 * registered, and the inviter's two notices (completed; expired unused). Branded HTML and
 * text (messages.ts); each states the TechPass ID it is about and its link's expiry.
 */
import { brandedMail, utc, type OutgoingMail } from './messages.js';
import { techpassId, type User } from './users.js';

type Person = Pick<User, 'email' | 'username' | 'givenName' | 'familyName'>;
const nameOf = (p: Person) => `${p.givenName} ${p.familyName}`.trim();

export function registrationLinkMail(input: { to: string; inviter: Person; link: string; expiresAt: number; localIdDomain: string }): OutgoingMail {
  return brandedMail({
    to: input.to,
    subject: 'You are invited to TechPass',
    techpassId: `the username you choose, as name@${input.localIdDomain}`,
    links: [{ url: input.link, expiresAt: input.expiresAt }],
    lines: [
      'Hello,',
      '',
      `${nameOf(input.inviter)} (${input.inviter.email}) invited you to TechPass, the Singapore Government's sign-in for its digital services.`,
      `Register here before ${utc(input.expiresAt)} (the link works once):`,
      '',
      input.link,
      '',
      `You will choose a username (your TechPass ID reads name@${input.localIdDomain}), give your name, mobile number and department, and choose a password.`,
      'Your first sign-in then sets up a second factor.',
      '',
      'If you did not expect this invitation, ignore this e-mail.',
    ],
  });
}

export function welcomeMail(user: Person & { techpassId: string }, inviter: Person): OutgoingMail {
  return brandedMail({
    to: user.email,
    subject: 'Your TechPass account is ready',
    techpassId: user.techpassId,
    lines: [
      `Hello ${user.givenName},`,
      '',
      `Your registration is complete. Your TechPass ID is ${user.techpassId}.`,
      'Sign in with it and the password you chose. Your first sign-in sets up a second factor (the TechPass Authenticator, an authenticator app or a passkey).',
      '',
      `You were invited by ${nameOf(inviter)} (${inviter.email}).`,
    ],
  });
}

export function registrationCompletedMail(inviter: Person, invitee: Person & { techpassId: string }): OutgoingMail {
  return brandedMail({
    to: inviter.email,
    subject: 'Your TechPass invitation was accepted',
    techpassId: techpassId(inviter),
    lines: [
      `Hello ${inviter.givenName},`,
      '',
      `${nameOf(invitee)} (${invitee.email}) completed the registration you invited them to.`,
      `Their TechPass ID is ${invitee.techpassId}.`,
    ],
  });
}

export function invitationExpiredMail(
  inviter: Person,
  invitation: { email: string; createdAt: number; expiresAt: number },
  inviteUrl: string,
): OutgoingMail {
  return brandedMail({
    to: inviter.email,
    subject: 'Your TechPass invitation expired',
    techpassId: techpassId(inviter),
    lines: [
      `Hello ${inviter.givenName},`,
      '',
      `The invitation you sent to ${invitation.email} on ${utc(invitation.createdAt)} expired on ${utc(invitation.expiresAt)} without being used.`,
      'No account was created. To invite them again:',
      '',
      inviteUrl,
    ],
  });
}
