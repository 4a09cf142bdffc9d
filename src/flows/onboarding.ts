/**
 * Onboarding: how a pending account becomes active (issue 18; ADR 0012).
 *
 * THE ENTRY POINT OTHER FLOWS CALL (sign-up, invitations):
 *
 *   issueOnboarding(tx, user, options): Promise<IssuedOnboarding>
 *
 *   - `tx`: the repositories of the caller's transaction, at least
 *     `Pick<Repositories, 'onboardingLinks' | 'outbox' | 'audit'>`: the link, its mail and
 *     the audit commit together with the change that caused them (the account created).
 *   - `user`: the pending account (its e-mail receives the mail; its TechPass ID is stated).
 *   - `options`: `{ publicUrl, now, actor, ttlMs?, clientId?, invitedBy? }`: the server's
 *     public URL (the link opens there), the time, who caused it (audit actor), how long
 *     the link works (default 30 days, ONBOARDING_LINK_TTL), the application the person
 *     came from (the onboarding sends them there to sign in), and the inviter's name for
 *     the mail's words.
 *   - answers `{ linkId, url, expiresAt }`. A second onboarding of the same account
 *     replaces the earlier link (it stops working).
 *
 * The link (`/onboarding/<id>.<secret>`, single use) is opened in a browser: the page
 * (GET, writes nothing) shows who it is for; its form (POST) binds the link to that browser
 * (`claimOnboardingLink`: a random value in a signed cookie, its digest on the link; a
 * domain without an integrated provider sets the account's password here) and sends the
 * person into a normal sign-in. The sign-in, seeing the binding of this pending account
 * (`onboardingBinding`), does not refuse it: it runs the first step (the integrated
 * provider, or the password just set), forced MFA enrolment and the Privacy Policy and
 * Terms of Use; accepting them activates the account (sign-in-policies.ts).
 */
import { randomBytes } from 'node:crypto';
import { brandedMail, utc } from '../domain/messages.js';
import { DEFAULT_ONBOARDING_LINK_TTL_MS, onboardingLinkState, type OnboardingLink, type OnboardingLinkState } from '../domain/onboarding.js';
import type { ClientDirectory, IdentityProviderDirectory, Repositories, UserRepository } from '../domain/repositories.js';
import { techpassId, type User } from '../domain/users.js';
import type { Clock } from '../platform/clock.js';
import { constantTimeEqual, digestSecret } from '../platform/secrets.js';
import { hashPassword } from '../strategies/password/hash.js';
import { checkPassword, describePasswordProblem } from '../strategies/password/policy.js';

export type OnboardingRepositories = Pick<Repositories, 'onboardingLinks' | 'outbox' | 'audit'>;

export interface OnboardingOptions {
  /** The public URL the server answers at: the link opens there. */
  publicUrl: string;
  /** Now, in ms since the epoch (the caller's clock). */
  now: number;
  /** Who caused it, for the audit: `system:sign-up`, or the inviter's user id. */
  actor: string;
  /** How long the link works (ONBOARDING_LINK_TTL); 30 days when absent. */
  ttlMs?: number;
  /** The application the person came from: after opening the link they sign in there. */
  clientId?: string | null;
  /** The inviter, named in the mail (an invitation); absent for a sign-up. */
  invitedBy?: { name: string; email: string };
}

export interface IssuedOnboarding {
  linkId: string;
  url: string;
  expiresAt: number;
}

/** Mails `user` a new single-use onboarding link (replacing any earlier one). Run it inside the caller's transaction. */
export async function issueOnboarding(tx: OnboardingRepositories, user: User, options: OnboardingOptions): Promise<IssuedOnboarding> {
  const secret = randomBytes(32).toString('base64url');
  const expiresAt = options.now + (options.ttlMs ?? DEFAULT_ONBOARDING_LINK_TTL_MS);
  const linkId = await tx.onboardingLinks.create({
    userId: user.id,
    digest: digestSecret(secret),
    clientId: options.clientId ?? null,
    createdBy: options.actor,
    expiresAt,
  });
  const url = `${options.publicUrl.replace(/\/+$/, '')}/onboarding/${linkId}.${secret}`;
  const id = techpassId(user);
  const why = options.invitedBy
    ? `${options.invitedBy.name} (${options.invitedBy.email}) invited you to TechPass.`
    : 'You signed up for TechPass.';
  await tx.outbox.enqueue(
    brandedMail({
      to: user.email,
      subject: 'Finish setting up your TechPass account',
      techpassId: id,
      links: [{ url, expiresAt }],
      lines: [
        `Hello${user.givenName ? ` ${user.givenName}` : ''},`,
        '',
        `${why} Your TechPass ID is ${id}.`,
        `Finish setting up your account with this link before ${utc(expiresAt)} (it works once):`,
        '',
        url,
        '',
        'You will sign in, set up a second factor (an authenticator app, the TechPass Authenticator or a passkey) and accept the TechPass Privacy Policy and Terms of Use.',
        'If you did not ask for this, ignore this mail: the account stays inactive and the link expires.',
      ],
    }),
  );
  await tx.audit.append({
    actor: options.actor,
    action: 'onboarding.link_sent',
    targetType: 'user',
    targetId: user.id,
    data: { linkId, expiresAt, ...(options.clientId ? { clientId: options.clientId } : {}), invited: Boolean(options.invitedBy) },
  });
  return { linkId, url, expiresAt };
}

/** What the onboarding pages need. */
export interface OnboardingDeps {
  onboardingLinks: Repositories['onboardingLinks'];
  users: UserRepository;
  clients: Pick<ClientDirectory, 'findApplication'>;
  /** Whether an integrated provider serves the account's domain (else the onboarding sets a password). */
  providers: Pick<IdentityProviderDirectory, 'forEmail' | 'claimedBy'>;
  clock: Clock;
  transaction<T>(fn: (tx: Pick<Repositories, 'onboardingLinks' | 'users' | 'audit'>) => Promise<T>): Promise<T>;
}

/** Why a link does not work: it is unknown (or its secret is wrong), or no longer live, or opened in another browser. */
export type OnboardingLinkProblem = Exclude<OnboardingLinkState, 'live'> | 'unknown' | 'other_browser';

/** What the onboarding page shows for a live link. */
export interface OnboardingLinkView {
  techpassId: string;
  givenName: string;
  expiresAt: number;
  /** No integrated provider serves the account's domain: the page asks for a password. */
  setsPassword: boolean;
  /** The integrated provider the person will sign in with, by display name. */
  provider: string | null;
}

/** The integrated provider of the account's domain, enabled or not (a turned-off one still means: no TechPass password). */
const providerOf = async (deps: OnboardingDeps, email: string) => (await deps.providers.forEmail(email)) ?? (await deps.providers.claimedBy(email));

async function liveLink(
  deps: Pick<OnboardingDeps, 'onboardingLinks' | 'users' | 'clock'>,
  token: string,
): Promise<{ ok: true; link: OnboardingLink; user: User } | { ok: false; problem: OnboardingLinkProblem }> {
  const dot = token.indexOf('.');
  if (dot <= 0 || token.length > 300) return { ok: false, problem: 'unknown' };
  const link = await deps.onboardingLinks.find(token.slice(0, dot));
  if (!link || !constantTimeEqual(link.digest, digestSecret(token.slice(dot + 1)))) return { ok: false, problem: 'unknown' };
  const state = onboardingLinkState(link, deps.clock.now());
  if (state !== 'live') return { ok: false, problem: state };
  const user = await deps.users.findById(link.userId as User['id']);
  // The account was activated (or ended) another way meanwhile: the link has nothing left to do.
  if (!user || user.status !== 'pending') return { ok: false, problem: 'used' };
  return { ok: true, link, user };
}

/** The page of a link, read only. */
export async function inspectOnboardingLink(
  deps: OnboardingDeps,
  token: string,
): Promise<{ ok: true; view: OnboardingLinkView } | { ok: false; problem: OnboardingLinkProblem }> {
  const found = await liveLink(deps, token);
  if (!found.ok) return found;
  const provider = await providerOf(deps, found.user.email);
  return {
    ok: true,
    view: {
      techpassId: techpassId(found.user),
      givenName: found.user.givenName,
      expiresAt: found.link.expiresAt,
      setsPassword: !provider,
      provider: provider?.displayName ?? null,
    },
  };
}

/** The browser's binding to a link: `<link id>.<random value>` (the cookie, signed by the HTTP layer). */
export interface OnboardingBrowserValue {
  linkId: string;
  nonce: string;
}

export const parseOnboardingBrowserValue = (value: string | null): OnboardingBrowserValue | null => {
  const match = value ? /^(onb_[\w-]{10,64})\.([\w-]{20,100})$/.exec(value) : null;
  return match ? { linkId: match[1]!, nonce: match[2]! } : null;
};

export type ClaimAnswer =
  | {
      ok: true;
      /** What the browser keeps (signed by the HTTP layer). */
      browserValue: string;
      techpassId: string;
      /** Where to sign in next: the home page of the application the person came from, if it has one. */
      continueTo: string | null;
    }
  | { ok: false; problem: OnboardingLinkProblem }
  | { ok: false; problem: 'password'; message: string };

/**
 * The link's form: binds the link to this browser (the first browser to open it keeps
 * it; the same browser may open it again) and, for a domain without an integrated
 * provider, sets the account's first password. Audited; nothing changes on a refusal.
 */
export async function claimOnboardingLink(
  deps: OnboardingDeps,
  token: string,
  input: { browser: OnboardingBrowserValue | null; password?: string | undefined; confirm?: string | undefined },
): Promise<ClaimAnswer> {
  const found = await liveLink(deps, token);
  if (!found.ok) return found;
  const { link, user } = found;
  const sameBrowser =
    input.browser !== null &&
    input.browser.linkId === link.id &&
    link.claimDigest !== null &&
    constantTimeEqual(link.claimDigest, digestSecret(input.browser.nonce));
  if (link.claimDigest !== null && !sameBrowser) return { ok: false, problem: 'other_browser' };

  let passwordHash: string | null = null;
  if (!(await providerOf(deps, user.email))) {
    const password = input.password ?? '';
    if (password !== (input.confirm ?? '')) return { ok: false, problem: 'password', message: 'The two passwords are not the same.' };
    const weak = checkPassword(password, [user.email, user.username, user.givenName, user.familyName]);
    if (weak) return { ok: false, problem: 'password', message: `The password ${describePasswordProblem(weak)}.` };
    passwordHash = await hashPassword(password);
  }
  const nonce = sameBrowser ? input.browser!.nonce : randomBytes(24).toString('base64url');
  const claimed = await deps.transaction(async (tx) => {
    if (!sameBrowser && !(await tx.onboardingLinks.claim(link.id, digestSecret(nonce)))) return false;
    if (passwordHash) await tx.users.setPassword(user.id, passwordHash);
    await tx.audit.append({
      actor: user.id,
      action: 'onboarding.link_opened',
      targetType: 'user',
      targetId: user.id,
      data: { linkId: link.id, again: sameBrowser, passwordSet: passwordHash !== null },
    });
    return true;
  });
  // Another browser claimed it between our read and our update.
  if (!claimed) return { ok: false, problem: 'other_browser' };
  const application = link.clientId ? await deps.clients.findApplication(link.clientId) : null;
  return { ok: true, browserValue: `${link.id}.${nonce}`, techpassId: techpassId(user), continueTo: application?.homepageUrl ?? null };
}

/**
 * The pending account this browser is onboarding, if its binding is to a live link
 * (read by each sign-in step; the link is used when the onboarding finishes).
 */
export async function onboardingBinding(
  deps: { onboardingLinks: Repositories['onboardingLinks']; clock: Clock },
  browser: OnboardingBrowserValue | null,
): Promise<{ linkId: string; userId: string } | null> {
  if (!browser) return null;
  const link = await deps.onboardingLinks.find(browser.linkId);
  if (!link || link.claimDigest === null || onboardingLinkState(link, deps.clock.now()) !== 'live') return null;
  if (!constantTimeEqual(link.claimDigest, digestSecret(browser.nonce))) return null;
  return { linkId: link.id, userId: link.userId };
}

/** The page after the link's form: whose onboarding this browser holds, and where to sign in (read only). */
export async function onboardingReady(
  deps: OnboardingDeps,
  browser: OnboardingBrowserValue | null,
): Promise<{ techpassId: string; continueTo: string | null; applicationName: string | null } | null> {
  const binding = await onboardingBinding(deps, browser);
  if (!binding) return null;
  const [user, link] = await Promise.all([deps.users.findById(binding.userId as User['id']), deps.onboardingLinks.find(binding.linkId)]);
  if (!user || !link) return null;
  const application = link.clientId ? await deps.clients.findApplication(link.clientId) : null;
  return { techpassId: techpassId(user), continueTo: application?.homepageUrl ?? null, applicationName: application?.name ?? null };
}
