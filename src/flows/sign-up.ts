/**
 * Self sign-up (issue 18; ADR 0012): an officer types their organisational e-mail on
 * /signup and proves the browser did some work (ALTCHA's proof of work). The platform
 * configuration decides by domain: self sign-up, invitation only, mailbox-less
 * (refused with its reason), or refused. The managed-device hook is asked first.
 *
 * An eligible address gets a PENDING officer account and the onboarding mail
 * (issueOnboarding), in one transaction with the spent proof. Signing up again for an
 * unfinished sign-up (a pending account) sends a new link that replaces the earlier one:
 * no second account. An address that already has an account that is not pending gets
 * the same answer on the page ("check your mail") and its owner a mail saying so, so
 * the page never tells who has an account.
 */
import { brandedMail } from '../domain/messages.js';
import { signUpEligibility, type DeviceFacts, type ManagedDeviceRule, type SignUpRules } from '../domain/onboarding.js';
import type { ClientDirectory, Repositories, UserRepository } from '../domain/repositories.js';
import { techpassId, type User } from '../domain/users.js';
import type { Clock } from '../platform/clock.js';
import { issueOnboarding } from './onboarding.js';

/** The proof-of-work check (platform/proof-of-work.ts): a solved, signed, unexpired challenge, and the key that spends it. */
export interface ProofOfWorkVerifier {
  verify(payload: string): Promise<{ ok: true; key: string; expiresAt: number } | { ok: false }>;
}

export type SignUpRepositories = Pick<Repositories, 'users' | 'onboardingLinks' | 'outbox' | 'audit' | 'spentProofs'>;

export interface SignUpDeps {
  users: UserRepository;
  clients: Pick<ClientDirectory, 'findApplication'>;
  clock: Clock;
  rules: SignUpRules;
  /** The access-rules engine's hook: may this device sign up? (Every device, for now.) */
  deviceRule: ManagedDeviceRule;
  proofOfWork: ProofOfWorkVerifier;
  publicUrl: string;
  onboardingTtlMs: number;
  transaction<T>(fn: (tx: SignUpRepositories) => Promise<T>): Promise<T>;
}

export type SignUpProblem = 'invalid_email' | 'invite_only' | 'mailboxless' | 'not_eligible' | 'not_a_robot' | 'replayed' | 'device';

export type SignUpAnswer = { ok: true; email: string } | { ok: false; problem: SignUpProblem; message: string };

export interface SignUpInput {
  email: string;
  /** The widget's answer (base64 JSON). */
  proof: string;
  /** The application whose sign-in page linked here, if any (the onboarding sends the person back to it). */
  clientId?: string | undefined;
  device: DeviceFacts;
}

const refused = (problem: SignUpProblem, message: string): SignUpAnswer => ({ ok: false, problem, message });

export async function signUp(deps: SignUpDeps, input: SignUpInput): Promise<SignUpAnswer> {
  const device = deps.deviceRule(input.device);
  if (!device.allowed) return refused('device', `Sign-up is allowed only from a managed device (${device.reason}).`);

  const email = input.email.trim().toLowerCase();
  const eligibility = signUpEligibility(email, deps.rules);
  switch (eligibility.kind) {
    case 'invalid':
      return refused('invalid_email', 'Enter your organisational e-mail address, such as jane_tan@agency.gov.sg.');
    case 'mailboxless':
      return refused('mailboxless', `You cannot sign up with an address at ${eligibility.domain}: ${eligibility.reason}`);
    case 'invite_only':
      return refused(
        'invite_only',
        `People at ${eligibility.domain} cannot sign up on their own: ask a public officer who uses TechPass (your project manager, for example) to invite you.`,
      );
    case 'not_eligible':
      return refused(
        'not_eligible',
        `Addresses at ${eligibility.domain} cannot sign up for TechPass. Use your organisational (government) e-mail address, or ask a public officer to invite you.`,
      );
    case 'eligible':
      break;
  }

  const proof = input.proof ? await deps.proofOfWork.verify(input.proof) : ({ ok: false } as const);
  if (!proof.ok) return refused('not_a_robot', 'The “I’m not a robot” check did not pass. Wait for it to finish (a tick appears), then send the form again.');
  const application = input.clientId ? await deps.clients.findApplication(input.clientId) : null;
  const clientId = application ? input.clientId! : null;
  const now = deps.clock.now();
  const options = { publicUrl: deps.publicUrl, now, actor: 'system:sign-up', ttlMs: deps.onboardingTtlMs, clientId };

  return deps.transaction(async (tx): Promise<SignUpAnswer> => {
    // Each solved challenge signs up once.
    if (!(await tx.spentProofs.spend(proof.key, proof.expiresAt))) {
      return refused('replayed', 'This “I’m not a robot” check was already used. Reload the page and try again.');
    }
    const existing = await tx.users.findByLogin(email);
    if (existing && existing.email === email && existing.status === 'pending') {
      // An unfinished sign-up (or invitation): a new link replaces the earlier one.
      await issueOnboarding(tx, existing, options);
      await audit(tx, existing.id, { email, result: 'link_replaced', clientId });
      return { ok: true, email };
    }
    if (existing) {
      await mailOwner(tx, existing, now);
      await audit(tx, existing.id, { email, result: 'account_exists', clientId });
      return { ok: true, email };
    }
    const created = await tx.users.create(
      { email, username: null, givenName: nameOf(email), familyName: '', accountType: 'officer', status: 'pending' },
      { passwordHash: null },
    );
    if (!created.ok) {
      // Taken meanwhile (another sign-up at the same moment): the same answer as an existing account.
      return { ok: true, email };
    }
    await tx.audit.append({
      actor: 'system:sign-up',
      action: 'user.created',
      targetType: 'user',
      targetId: created.value.id,
      data: { email, accountType: 'officer', status: 'pending', via: 'sign_up' },
    });
    await issueOnboarding(tx, created.value, options);
    await audit(tx, created.value.id, { email, result: 'pending_created', clientId });
    return { ok: true, email };
  });
}

/** Until the integrated provider or the person says otherwise, the name on the account is the address's local part. */
function nameOf(email: string): string {
  return email.slice(0, email.indexOf('@')).slice(0, 100);
}

async function audit(tx: SignUpRepositories, userId: string, data: Record<string, unknown>): Promise<void> {
  await tx.audit.append({ actor: 'system:sign-up', action: 'sign_up.requested', targetType: 'user', targetId: userId, data });
}

/** Someone signed up with the address of an existing account: its owner hears of it, the page says nothing more. */
async function mailOwner(tx: SignUpRepositories, user: User, now: number): Promise<void> {
  const id = techpassId(user);
  await tx.outbox.enqueue(
    brandedMail({
      to: user.email,
      subject: 'You already have a TechPass account',
      techpassId: id,
      lines: [
        `Hello ${user.givenName},`,
        '',
        `Someone (probably you) tried to sign up for TechPass with ${user.email} on ${new Date(now).toISOString().slice(0, 10)}.`,
        `You already have a TechPass account: your TechPass ID is ${id}. Sign in with it; nothing was changed.`,
        'Forgot your password? Use “Forgot your password?” on the sign-in page.',
        'If this was not you, you can ignore this mail.',
      ],
    }),
  );
}
