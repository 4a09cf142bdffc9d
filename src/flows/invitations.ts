/**
 * Inviting someone to TechPass: the one flow function the CLI (`techpass user invite`),
 * the account page (/login/invite) and, later, the API (`POST /api/v1/invitations`) call.
 *
 *   1. The address must be an e-mail address without an account (as e-mail or username).
 *   2. The inviter must be an active public officer (domain/invitations.ts `inviterRefusal`).
 *   3. An address an integrated identity provider serves (enabled or not: the domain is
 *      that organisation's) gets a pending officer account at once and the onboarding
 *      e-mail (`issueOnboarding`, flows/onboarding.ts), in the same transaction.
 *   4. Any other address gets a registration link, valid `linkTtlMs` (INVITATION_LINK_TTL,
 *      default 5 days), e-mailed in the same transaction that stores it; an unfinished
 *      invitation to the same address is replaced (its link stops working).
 *
 * Nothing changes when the invitation is refused. Also here: the job's work of telling
 * inviters that a link expired unused (once each).
 */
import { randomBytes } from 'node:crypto';
import { ErrorCodes } from '../contracts/errors.js';
import { fail, ok, type Result } from '../contracts/result.js';
import type { UserId } from '../domain/ids.js';
import { domainMatches, emailDomain } from '../domain/email-domains.js';
import { invitationExpiredMail, registrationLinkMail } from '../domain/invitation-mails.js';
import { inviterRefusal, type InviterRefusal } from '../domain/invitations.js';
import type { IdentityProviderDirectory, Repositories, UserRepository } from '../domain/repositories.js';
import { checkNewUser, normaliseEmail, techpassId, type User } from '../domain/users.js';
import type { Clock } from '../platform/clock.js';
import { digestSecret } from '../platform/secrets.js';
import { issueOnboarding } from './onboarding.js';

export type InvitationRepositories = Pick<Repositories, 'users' | 'invitations' | 'outbox' | 'audit' | 'onboardingLinks'>;

export interface InvitationDeps {
  users: Pick<UserRepository, 'findByLogin' | 'findById'>;
  upstreamProviders: Pick<IdentityProviderDirectory, 'claimedBy'>;
  clock: Clock;
  /** The issuer the server runs with: links open there. */
  publicUrl: string;
  /** LOCAL_ID_DOMAIN: a registered invitee's TechPass ID reads name@<it>. */
  localIdDomain: string;
  /** Domains without mailboxes (SIGN_UP_MAILBOXLESS_DOMAINS, patterns as email-domains.ts reads them): nobody there can be mailed a link. */
  mailboxlessDomains?: readonly string[];
  /** INVITATION_LINK_TTL in milliseconds. */
  linkTtlMs: number;
  /** How long the onboarding link of an integrated provider's address works (ONBOARDING_LINK_TTL); flows/onboarding.ts's default when absent. */
  onboardingTtlMs?: number;
  transaction<T>(fn: (tx: InvitationRepositories) => Promise<T>): Promise<T>;
}

export interface InvitationSent {
  /** `registration`: a registration link went out (no account yet); `onboarding`: a pending account was created. */
  path: 'registration' | 'onboarding';
  /**
   * The status of the invitee's account: `pending` until the registration or the
   * onboarding is finished (a registration link has no account yet: also `pending`).
   */
  status: 'pending' | 'active';
  email: string;
  /** When the registration link (or the onboarding link) stops working. */
  expiresAt: number;
  /** How many unfinished invitations to the address this one replaced. */
  replaced: number;
  /** The account created at once (integrated provider's address); null for a registration link. */
  userId: UserId | null;
}

const REFUSALS: Record<InviterRefusal, string> = {
  not_officer: 'only a public officer (an officer account) may invite',
  not_active: 'only an active account may invite',
  locked: 'a locked account may not invite',
};

class InvitationRaced extends Error {}

/**
 * Invites `input.email` on behalf of the account `input.inviter` (its TechPass ID).
 * `via` says where the request came from, for the audit log (`cli:<user>`, `web`).
 */
export async function inviteUser(deps: InvitationDeps, input: { email: string; inviter: string; via: string }): Promise<Result<InvitationSent>> {
  const email = normaliseEmail(input.email);
  const emailProblem = checkNewUser({ email, username: null, givenName: '-', familyName: '-', accountType: 'officer' });
  if (emailProblem) return fail(ErrorCodes.inputInvalid, `e-mail ${emailProblem.message}`, 'email');
  // A local TechPass ID is a name, not a mailbox: the registration link could never arrive.
  const domain = emailDomain(email) ?? '';
  if (domain === deps.localIdDomain.toLowerCase()) {
    return fail(ErrorCodes.inputInvalid, `${email} is a local TechPass ID, not a mailbox; invite the person's own e-mail address`, 'email');
  }
  if ((deps.mailboxlessDomains ?? []).some((pattern) => domainMatches(pattern, domain))) {
    return fail(
      ErrorCodes.inputInvalid,
      `${domain} addresses have no mailbox, so no invitation could reach ${email}; invite the person's own e-mail address`,
      'email',
    );
  }
  const inviter = input.inviter.trim() ? await deps.users.findByLogin(input.inviter) : null;
  if (!inviter) return fail(ErrorCodes.userNotFound, `no account ${input.inviter.trim().toLowerCase()} to invite on behalf of`, 'by');
  const refusal = inviterRefusal(inviter);
  if (refusal) return fail(ErrorCodes.invitationNotAllowed, `${techpassId(inviter)} may not invite: ${REFUSALS[refusal]}`, 'by');
  if (await deps.users.findByLogin(email)) return fail(ErrorCodes.userExists, `${email} already has a TechPass account`, 'email');

  const provider = await deps.upstreamProviders.claimedBy(email);
  try {
    return provider
      ? await inviteIntegrated(deps, email, inviter, input.via, provider.name)
      : await sendRegistrationLink(deps, email, inviter, input.via);
  } catch (error) {
    if (error instanceof InvitationRaced) {
      return fail(ErrorCodes.invitationConflict, `another invitation to ${email} was made at the same moment; nothing changed, try again`, 'email');
    }
    throw error;
  }
}

async function inviteIntegrated(deps: InvitationDeps, email: string, inviter: User, via: string, provider: string): Promise<Result<InvitationSent>> {
  return deps.transaction(async (tx) => {
    // The names are provisional, read from the address (the invite gives only the address), as a sign-up's are.
    const created = await tx.users.create(
      { email, username: null, ...provisionalNames(email), accountType: 'officer', status: 'pending' },
      { passwordHash: null },
    );
    // Made meanwhile (another invitation, an administrator): the database decided.
    if (!created.ok) return fail(ErrorCodes.userExists, `${email} already has a TechPass account`, 'email');
    const user = created.value;
    await tx.audit.append({
      actor: inviter.id,
      action: 'user.created',
      targetType: 'user',
      targetId: user.id,
      data: { email, type: 'officer', status: 'pending', invitedBy: inviter.id, provider, via },
    });
    // The onboarding e-mail (sign in with the provider, enrol MFA, accept the policies → active), in this transaction.
    const onboarding = await issueOnboarding(tx, user, {
      publicUrl: deps.publicUrl,
      now: deps.clock.now(),
      actor: inviter.id,
      invitedBy: { name: `${inviter.givenName} ${inviter.familyName}`.trim(), email: inviter.email },
      ...(deps.onboardingTtlMs !== undefined ? { ttlMs: deps.onboardingTtlMs } : {}),
    });
    await tx.audit.append({
      actor: inviter.id,
      action: 'invitation.sent',
      targetType: 'user',
      targetId: user.id,
      data: { email, path: 'onboarding', provider, via, onboardingExpiresAt: onboarding.expiresAt },
    });
    return ok<InvitationSent>({ path: 'onboarding', status: 'pending', email, expiresAt: onboarding.expiresAt, replaced: 0, userId: user.id });
  });
}

async function sendRegistrationLink(deps: InvitationDeps, email: string, inviter: User, via: string): Promise<Result<InvitationSent>> {
  const secret = randomBytes(32).toString('base64url');
  const expiresAt = deps.clock.now() + deps.linkTtlMs;
  return deps.transaction(async (tx) => {
    const created = await tx.invitations.create({ email, invitedBy: inviter.id, digest: digestSecret(secret), expiresAt });
    if (!created.ok) throw new InvitationRaced();
    const { id, replaced } = created.value;
    const link = registrationLink(deps.publicUrl, `${id}.${secret}`);
    await tx.outbox.enqueue(registrationLinkMail({ to: email, inviter, link, expiresAt, localIdDomain: deps.localIdDomain }));
    await tx.audit.append({
      actor: inviter.id,
      action: 'invitation.sent',
      targetType: 'invitation',
      targetId: id,
      data: { email, path: 'registration', expiresAt, replaced, via },
    });
    return ok<InvitationSent>({ path: 'registration', status: 'pending', email, expiresAt, replaced, userId: null });
  });
}

export const registrationLink = (publicUrl: string, token: string) => `${publicUrl}/login/register/${token}`;

/** `jane_tan@…` → Jane Tan: something to greet the person with until their provider says their name. */
export function provisionalNames(email: string): { givenName: string; familyName: string } {
  const words = (email.split('@')[0] ?? '')
    .split(/[._+-]+/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1));
  const givenName = (words[0] ?? 'New').slice(0, 100);
  const familyName = (words.slice(1).join(' ') || 'Officer').slice(0, 100);
  return { givenName, familyName };
}

export interface ExpiryNoticeDeps {
  invitations: Pick<Repositories['invitations'], 'expiredUnnotified'>;
  publicUrl: string;
  transaction<T>(fn: (tx: InvitationRepositories) => Promise<T>): Promise<T>;
}

/** Tells each inviter whose registration link expired unused (once each, however many nodes run the job); answers how many. */
export async function notifyExpiredInvitations(deps: ExpiryNoticeDeps, limit = 50): Promise<number> {
  let told = 0;
  for (const invitation of await deps.invitations.expiredUnnotified(limit)) {
    const sent = await deps.transaction(async (tx) => {
      if (!(await tx.invitations.markExpiryNotified(invitation.id))) return false;
      const inviter = await tx.users.findById(invitation.invitedBy);
      if (inviter) await tx.outbox.enqueue(invitationExpiredMail(inviter, invitation, `${deps.publicUrl}/login/invite`));
      await tx.audit.append({
        actor: 'system:invitation-expiry',
        action: 'invitation.expired',
        targetType: 'invitation',
        targetId: invitation.id,
        data: { email: invitation.email, invitedBy: invitation.invitedBy, expiresAt: invitation.expiresAt },
      });
      return true;
    });
    if (sent) told += 1;
  }
  return told;
}
