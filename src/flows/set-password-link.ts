/**
 * The first password of an account made without one: an e-mailed link to choose it.
 * An account created with no password could never sign in (and "Forgot your password?"
 * sends nothing to an account without one), so creating it sends this link. It is a
 * password reset (single use, completed on the reset page /login/reset/<token>) that
 * lives longer, because the person may not read the mail the day it is sent.
 */
import { randomBytes } from 'node:crypto';
import type { AuditLog, MailQueue, PasswordResets } from '../domain/repositories.js';
import { brandedMail } from '../domain/messages.js';
import { techpassId, type User } from '../domain/users.js';
import type { Clock } from '../platform/clock.js';
import { digestSecret } from '../platform/secrets.js';

/** How long a set-password link works: a week, against a reset link's 30 minutes. */
export const SET_PASSWORD_LINK_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export interface SetPasswordLinkDeps {
  resets: PasswordResets;
  outbox: MailQueue;
  audit: AuditLog;
  clock: Clock;
  /** The issuer the server runs with: the link must open there. */
  publicUrl: string;
}

/** Mails `user` a single-use link to choose a password; answers when it stops working. Run it in one transaction. */
export async function sendSetPasswordLink(deps: SetPasswordLinkDeps, user: User, actor: string): Promise<{ expiresAt: number }> {
  const secret = randomBytes(32).toString('base64url');
  const expiresAt = deps.clock.now() + SET_PASSWORD_LINK_TTL_MS;
  const id = await deps.resets.create(user.id, digestSecret(secret), expiresAt);
  const link = `${deps.publicUrl}/login/reset/${id}.${secret}`;
  await deps.outbox.enqueue(
    brandedMail({
      to: user.email,
      subject: 'Set your TechPass password',
      techpassId: techpassId(user),
      links: [{ url: link, expiresAt }],
      lines: [
        `Hello ${user.givenName},`,
        '',
        `A TechPass account was made for you. Your TechPass ID is ${techpassId(user)}.`,
        'Choose its password here within 7 days (the link works once):',
        '',
        link,
        '',
        'Then sign in with your TechPass ID and that password; the first sign-in also sets up a second factor.',
        'If you did not expect this account, tell the TechPass team.',
      ],
    }),
  );
  await deps.audit.append({ actor, action: 'password.set_link_sent', targetType: 'user', targetId: user.id, data: { expiresAt } });
  return { expiresAt };
}
