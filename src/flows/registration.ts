/**
 * The invitee's registration, opened from the e-mailed link (/login/register/<id>.<secret>).
 *
 * `registrationView` only reads: the form (with what a refused post kept), or why the
 * link no longer works (used, replaced by a newer invitation, expired, unknown).
 * `submitRegistration` runs on the form's post: a refused form keeps what was typed
 * (never the password) and each field's problem on the invitation, for the page after
 * the redirect; an accepted one, in one transaction, creates the account, marks the link
 * used (one of two racing posts wins), audits, and writes the welcome mail and the
 * inviter's "registration completed" mail to the outbox.
 *
 * The account is ACTIVE, with the password chosen here: the person proved the mailbox
 * (the link) and chose a password that passed the policy; the sign-in refuses to finish
 * until a second factor is enrolled (mandatory MFA, flows/sign-in-enrolment.ts), so the
 * first sign-in enrols one. A pending account could not sign in at all (the sign-in
 * refuses pending accounts), and would need a second activation mail for nothing.
 */
import { ErrorCodes } from '../contracts/errors.js';
import type { UserId } from '../domain/ids.js';
import { registrationCompletedMail, welcomeMail } from '../domain/invitation-mails.js';
import {
  checkRegistration,
  draftOf,
  linkState,
  type Invitation,
  type InvitationRepository,
  type RegistrationDraft,
  type RegistrationField,
  type RegistrationInput,
} from '../domain/invitations.js';
import type { Repositories, UserRepository } from '../domain/repositories.js';
import { localTechpassId } from '../domain/users.js';
import type { Clock } from '../platform/clock.js';
import { constantTimeEqual, digestSecret } from '../platform/secrets.js';
import { describePasswordFailure, passwordStrategy } from '../strategies/password/strategy.js';

export type RegistrationRepositories = Pick<Repositories, 'users' | 'invitations' | 'outbox' | 'audit'>;

export interface RegistrationDeps {
  invitations: Pick<InvitationRepository, 'find' | 'saveDraft'>;
  users: Pick<UserRepository, 'findById' | 'findByLogin' | 'findByMobile'>;
  clock: Clock;
  localIdDomain: string;
  transaction<T>(fn: (tx: RegistrationRepositories) => Promise<T>): Promise<T>;
}

export type RegistrationView =
  | {
      kind: 'form';
      email: string;
      localIdDomain: string;
      expiresAt: number;
      inviter: { name: string; email: string } | null;
      draft: RegistrationDraft | null;
    }
  | { kind: 'completed'; techpassId: string | null }
  | { kind: 'replaced' }
  | { kind: 'expired' }
  /** The address got an account another way meanwhile (an administrator, an integrated provider's onboarding). */
  | { kind: 'taken' }
  | { kind: 'unknown' };

/** The invitation a token names, if its secret matches (compared in constant time). */
async function invitationOf(deps: Pick<RegistrationDeps, 'invitations'>, token: string): Promise<Invitation | null> {
  const dot = token.indexOf('.');
  if (dot < 1 || token.length > 200) return null;
  const invitation = await deps.invitations.find(token.slice(0, dot));
  if (!invitation || !constantTimeEqual(invitation.digest, digestSecret(token.slice(dot + 1)))) return null;
  return invitation;
}

/** What the registration page shows. Reads only. */
export async function registrationView(deps: RegistrationDeps, token: string): Promise<RegistrationView> {
  const invitation = await invitationOf(deps, token);
  if (!invitation) return { kind: 'unknown' };
  const state = linkState(invitation, deps.clock.now());
  if (state === 'completed') {
    const user = invitation.userId ? await deps.users.findById(invitation.userId) : null;
    return { kind: 'completed', techpassId: user?.username ? localTechpassId(user.username, deps.localIdDomain) : null };
  }
  if (state !== 'live') return { kind: state };
  if (await deps.users.findByLogin(invitation.email)) return { kind: 'taken' };
  const inviter = await deps.users.findById(invitation.invitedBy);
  return {
    kind: 'form',
    email: invitation.email,
    localIdDomain: deps.localIdDomain,
    expiresAt: invitation.expiresAt,
    inviter: inviter ? { name: `${inviter.givenName} ${inviter.familyName}`.trim(), email: inviter.email } : null,
    draft: invitation.draft,
  };
}

export type RegistrationOutcome =
  /** The account exists; the page after the redirect says so. */
  | { kind: 'completed'; userId: UserId; techpassId: string }
  /** The form had problems; they are kept on the invitation for the page after the redirect. */
  | { kind: 'refused'; problems: RegistrationDraft['problems'] }
  /** The link does not work (any more): the page after the redirect says why. */
  | { kind: 'link_invalid' };

class Conflict extends Error {
  constructor(readonly field: RegistrationField) {
    super(field);
  }
}
class LinkGone extends Error {}

const TAKEN: Partial<Record<RegistrationField, string>> = {
  username: 'This username is taken; choose another.',
  mobile: 'This mobile number belongs to another TechPass account.',
};

/** Runs the form's post. */
export async function submitRegistration(deps: RegistrationDeps, token: string, input: RegistrationInput, ip: string): Promise<RegistrationOutcome> {
  const invitation = await invitationOf(deps, token);
  if (!invitation || linkState(invitation, deps.clock.now()) !== 'live') return { kind: 'link_invalid' };
  const refuse = async (problems: RegistrationDraft['problems']): Promise<RegistrationOutcome> =>
    (await deps.invitations.saveDraft(invitation.id, draftOf(input, problems))) ? { kind: 'refused', problems } : { kind: 'link_invalid' };

  const checked = checkRegistration(invitation.email, input, deps.localIdDomain);
  if (!checked.ok) return refuse(checked.problems);
  const { account, password } = checked.value;
  // Each identifier taken is said at once (the database decides again at creation, for races).
  const problems: RegistrationDraft['problems'] = {};
  const holder = account.username ? await deps.users.findByLogin(account.username) : null;
  if (holder || (account.username && (await deps.users.findByLogin(localTechpassId(account.username, deps.localIdDomain))))) {
    problems.username = TAKEN.username!;
  }
  if (account.profile?.mobile && (await deps.users.findByMobile(account.profile.mobile))) problems.mobile = TAKEN.mobile!;
  const made = await passwordStrategy.enrol({ password, identifiers: [account.email, account.username] });
  if (made.kind === 'failed') problems.password = `The password ${describePasswordFailure(made.reason)}.`;
  if (made.kind === 'not_responsible') problems.password = 'The password cannot be used.';
  if (made.kind !== 'ok' || Object.keys(problems).length) return refuse(problems);

  const passwordHash = made.value.hash;
  const techpassId = localTechpassId(account.username!, deps.localIdDomain);
  try {
    const userId = await deps.transaction(async (tx) => {
      const created = await tx.users.create(account, { passwordHash });
      if (!created.ok) {
        // The invitee's own e-mail taken meanwhile (an administrator made the account): the link has no purpose left.
        if (created.conflict === 'email') throw new LinkGone();
        throw new Conflict(created.conflict === 'mobile' ? 'mobile' : 'username');
      }
      const user = created.value;
      if (!(await tx.invitations.complete(invitation.id, user.id))) throw new LinkGone();
      const inviter = await tx.users.findById(invitation.invitedBy);
      await tx.audit.append({
        actor: user.id,
        action: 'user.created',
        targetType: 'user',
        targetId: user.id,
        ip,
        data: { email: user.email, type: 'officer', status: user.status, invitedBy: invitation.invitedBy, via: 'registration' },
      });
      await tx.audit.append({
        actor: user.id,
        action: 'invitation.completed',
        targetType: 'invitation',
        targetId: invitation.id,
        ip,
        data: { email: user.email, userId: user.id, invitedBy: invitation.invitedBy },
      });
      const invitee = { ...user, techpassId };
      await tx.outbox.enqueue(welcomeMail(invitee, inviter ?? user));
      if (inviter) await tx.outbox.enqueue(registrationCompletedMail(inviter, invitee));
      return user.id;
    });
    return { kind: 'completed', userId, techpassId };
  } catch (error) {
    if (error instanceof Conflict) return refuse({ [error.field]: TAKEN[error.field] ?? 'This is taken.' });
    if (error instanceof LinkGone) return { kind: 'link_invalid' };
    throw error;
  }
}

/** The error code a link that does not work answers with (the pages' status). */
export const LINK_INVALID = ErrorCodes.invitationLinkInvalid;
