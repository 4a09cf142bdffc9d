/**
 * What a sign-in page shows, read from the flow: a view model per state (and
 * per factor inside `factors` and `enrol`). Reading only: everything a page
 * needs (a push prompt, a passkey challenge, an enrolment link) was made by the
 * step that led here (sign-in-progress.ts), so a reload or the Back button
 * changes nothing. When something is missing (another tab moved the flow), the
 * view asks the person to continue, which makes it again.
 */
import type { SecondFactorId } from '../contracts/factors.js';
import { currentEnrolMethod, currentFactor, type FederationFailure, type SignInFlow } from '../domain/flows/sign-in.js';
import { techpassId } from '../domain/users.js';
import { passkeyStrategy } from '../strategies/passkey/strategy.js';
import { totpUri } from '../strategies/totp/totp.js';
import { rememberedChoices, openSignIn } from './sign-in.js';
import type { InteractionFacts, SignInDeps, SignInOutcome, SignInRequest } from './sign-in-steps.js';

export interface FactorChoices {
  /** The factor this page asks for. */
  current: SecondFactorId;
  /** The other enrolled factors the person may use instead. */
  others: SecondFactorId[];
  /** The factor being replaced ("I can't use my phone"), when recovering. */
  recovering?: SecondFactorId | undefined;
}

export interface EnrolChoices {
  current: SecondFactorId;
  methods: SecondFactorId[];
  /** The sign-in may finish without enrolling ("Not now"). */
  skippable: boolean;
}

/** What every page's forms carry: where they post, the flow's token, and whose sign-in this is. */
export interface SignInFormContext {
  uid: string;
  csrf: string;
  applicationName: string;
  /** The application's client id (the identify page's "Sign up" link remembers where the person came from). */
  clientId: string;
}

export type SignInPage =
  | { page: 'choose_account'; accounts: Array<{ ref: string; name: string; techpassId: string; live: boolean }> }
  | { page: 'identify'; login: string | undefined; passkeyOptions: unknown; federationFailure?: FederationFailureView }
  /** Sent to an integrated provider and back here (Back, reload): continue there, or use another account. */
  | { page: 'federating'; provider: string; login: string }
  | { page: 'password'; login: string }
  /** A pending vendor's first sign-in: the SMS activation code and a new password. */
  | { page: 'activate'; login: string }
  | { page: 'terms'; version: number }
  /** The platform's Privacy Policy and Terms of Use, after MFA (`onboarding`: accepting activates the account). */
  | { page: 'policies'; privacy: number; terms: number; onboarding: boolean }
  | { page: 'refused'; refusal: string }
  | { page: 'push'; number: number | null; choices: FactorChoices }
  | { page: 'totp'; choices: FactorChoices }
  | { page: 'passkey'; options: unknown; choices: FactorChoices }
  | { page: 'enrol_authenticator'; link: string; choices: EnrolChoices }
  | { page: 'enrol_passkey'; options: unknown; choices: EnrolChoices }
  | { page: 'enrol_totp'; uri: string; seed: string; choices: EnrolChoices }
  /** What the page needs is missing or out of date: "Continue" makes it again. */
  | { page: 'resume' }
  /** The flow has completed (or its result was handed back): nothing more to show. */
  | { page: 'ended' };

export type SignInView = SignInPage & { form: SignInFormContext };

/** Why the integrated provider's last answer was not accepted, with the reference to quote to support. */
export interface FederationFailureView {
  provider: string;
  reason: FederationFailure;
  correlationId: string;
}

/**
 * The page of the interaction's flow, opening the flow on the first visit (the
 * only write a page makes, once: the provider sent the browser here). An
 * interaction that needs nothing from the person (terms already accepted) finishes.
 */
export async function signInPage(
  deps: SignInDeps,
  facts: InteractionFacts,
  req: Pick<SignInRequest, 'rememberedRefs' | 'onboarding'> & Partial<SignInRequest>,
): Promise<{ kind: 'view'; view: SignInView } | Extract<SignInOutcome, { kind: 'finish' }>> {
  const opened = await openSignIn(deps, facts, req);
  if (opened.kind === 'finish') return opened;
  return { kind: 'view', view: await viewOf(deps, opened.flow, req.rememberedRefs) };
}

export async function viewOf(deps: SignInDeps, flow: SignInFlow, rememberedRefs: string[]): Promise<SignInView> {
  const form = { uid: flow.interactionUid ?? '', csrf: flow.csrf, applicationName: flow.context.applicationName, clientId: flow.context.clientId };
  return { ...(await pageOf(deps, flow, rememberedRefs)), form };
}

async function pageOf(deps: SignInDeps, flow: SignInFlow, rememberedRefs: string[]): Promise<SignInPage> {
  switch (flow.state) {
    case 'choose_account': {
      const accounts = [];
      for (const c of await rememberedChoices(deps, rememberedRefs)) {
        const user = await deps.users.findById(c.userId);
        if (user) accounts.push({ ref: c.ref, name: `${user.givenName} ${user.familyName}`, techpassId: techpassId(user), live: c.live });
      }
      return { page: 'choose_account', accounts };
    }
    case 'identify': {
      const challenge = flow.context.webauthn?.challenge;
      const passkeyOptions = challenge ? await passkeyOptionsFor(deps, { challenge, existing: [] }) : null;
      const failure = flow.context.federationFailure;
      return {
        page: 'identify',
        login: flow.context.login,
        passkeyOptions,
        ...(failure ? { federationFailure: { ...failure, provider: await providerName(deps, failure.provider) } } : {}),
      };
    }
    case 'federating':
      return { page: 'federating', provider: await providerName(deps, flow.context.federation?.provider), login: flow.context.login ?? '' };
    case 'password':
      return { page: 'password', login: flow.context.login ?? '' };
    case 'activate':
      return { page: 'activate', login: flow.context.login ?? '' };
    case 'terms': {
      const client = await deps.clients.findClient(flow.context.clientId);
      return { page: 'terms', version: client?.application.termsVersion ?? 1 };
    }
    case 'policies': {
      const owed = flow.context.policiesOwed;
      if (!owed) return { page: 'resume' };
      return { page: 'policies', privacy: owed.privacy, terms: owed.terms, onboarding: Boolean(flow.context.onboarding) };
    }
    case 'refused':
      return { page: 'refused', refusal: flow.context.refusal ?? 'refused' };
    case 'factors':
      return factorPage(deps, flow);
    case 'enrol':
      return enrolPage(deps, flow);
    case 'completed':
      return { page: 'ended' };
  }
}

async function factorPage(deps: SignInDeps, flow: SignInFlow): Promise<SignInPage> {
  const current = currentFactor(flow) ?? 'otp';
  const choices: FactorChoices = {
    current,
    others: (flow.context.factorsOwed ?? []).filter((m) => m !== current),
    recovering: flow.context.recovering,
  };
  switch (current) {
    case 'swk':
      return { page: 'push', number: flow.context.push?.number ?? null, choices };
    case 'hwk': {
      const challenge = flow.context.webauthn?.challenge;
      if (!challenge || !flow.userId) return { page: 'resume' };
      return {
        page: 'passkey',
        options: await passkeyOptionsFor(deps, { challenge, existing: await deps.passkeys.ofUser(flow.userId) }),
        choices,
      };
    }
    case 'otp':
      return { page: 'totp', choices };
  }
}

async function enrolPage(deps: SignInDeps, flow: SignInFlow): Promise<SignInPage> {
  const enrolment = flow.context.enrolment;
  const current = currentEnrolMethod(flow) ?? 'otp';
  const user = flow.userId ? await deps.users.findById(flow.userId) : null;
  if (!enrolment || !user) return { page: 'resume' };
  const choices: EnrolChoices = { current, methods: enrolment.methods, skippable: Boolean(enrolment.skippable) };
  switch (current) {
    case 'swk': {
      const link = enrolment.link;
      if (!link || link.expiresAt <= deps.clock.now()) return { page: 'resume' };
      return { page: 'enrol_authenticator', link: deps.sealer.open(link.sealed, `flows:${flow.id}`), choices };
    }
    case 'hwk': {
      const challenge = flow.context.webauthn?.challenge;
      if (!challenge) return { page: 'resume' };
      const holder = { id: user.id, techpassId: techpassId(user), displayName: `${user.givenName} ${user.familyName}`.trim() };
      const options = await passkeyOptionsFor(deps, { challenge, existing: await deps.passkeys.ofUser(user.id), register: holder });
      return { page: 'enrol_passkey', options, choices };
    }
    case 'otp': {
      const seed = deps.sealer.open(enrolment.sealedSeed, `flows:${flow.id}`);
      return { page: 'enrol_totp', uri: totpUri(seed, techpassId(user)), seed, choices };
    }
  }
}

/** What a provider is called on pages: its display name, or its name when it is gone. */
const providerName = async (deps: SignInDeps, name: string | undefined) =>
  (name ? (await deps.federation.directory.byName(name))?.displayName : undefined) ?? name ?? 'your organisation';

/** What the page hands navigator.credentials, over the flow's challenge. */
async function passkeyOptionsFor(deps: SignInDeps, input: Parameters<ReturnType<typeof passkeyStrategy>['challenge']>[0]): Promise<unknown> {
  const made = await passkeyStrategy(deps.relyingParty).challenge(input);
  return made.kind === 'ok' ? made.value : null;
}
