/**
 * The provider's side of sign-in: the interaction policy (which prompts fire),
 * the port the HTTP layer uses to read an interaction and hand back its result,
 * and the pages the provider itself renders (errors, sign-out).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import Provider, { interactionPolicy, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { asApplicationId, asNamespaceId, type UserId } from '../domain/ids.js';
import type { InteractionFacts, InteractionResult } from '../flows/sign-in.js';
import { PAGE_CSP } from '../platform/page-policy.js';
import { readRememberedRefs } from '../platform/signed-cookie.js';
import type { Store } from '../persistence/store.js';
import type { DevicePages } from './device-flow.js';

const { Prompt, Check, base } = interactionPolicy;

/** Renders the pages the provider shows itself (supplied by the UI layer). */
export interface ProviderPages {
  error(input: { error: string; description?: string; correlationId?: string }): string;
  signOutConfirm(input: { form: string; applicationName?: string }): string;
  signedOut(input: { applicationName?: string }): string;
  /** The device authorization grant's pages (device-flow.ts). */
  device: DevicePages;
}

export interface InteractionDeps {
  store: Store;
  cookieKey: Buffer;
  cookieName: string;
  pages: ProviderPages;
  checkAccess(clientId: string, userId: UserId): Promise<{ ok: boolean }>;
}

/**
 * Why the login prompt fires when the browser's session belongs to an account that
 * is gone or may not sign in (on hold, disabled…): such a session is no session.
 * The provider's own `no_session` check only sees the session's account id, and
 * the consent checks that would follow expect a grant, which is only loaded for a
 * found account.
 */
export const ACCOUNT_UNAVAILABLE = 'account_unavailable';

/**
 * The prompts: `select_account` (asked for, or more than one account remembered
 * in this browser), `login` (plus: the session's account is gone or on hold, or
 * may not use this application, or the session is too weak), `consent` (plus:
 * the current terms of use are not yet accepted).
 */
export function signInPolicy(deps: InteractionDeps) {
  const policy = base();
  policy.add(
    new Prompt(
      { name: 'select_account', requestable: true },
      new Check('several_accounts', 'more than one account is remembered in this browser', (ctx: KoaContextWithOIDC) => {
        if (ctx.oidc.result?.login || ctx.oidc.result?.select_account) return Check.NO_NEED_TO_PROMPT;
        const refs = readRememberedRefs(deps.cookieKey, ctx.cookies.get(deps.cookieName));
        return refs.length > 1 ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT;
      }),
    ),
    0,
  );
  policy.get('login')!.checks.add(
    // prompt=none learns login_required, as for a browser without a session (and nothing about the account).
    new Check(ACCOUNT_UNAVAILABLE, 'End-User authentication is required', 'login_required', (ctx: KoaContextWithOIDC) =>
      ctx.oidc.session?.accountId && !ctx.oidc.account ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT,
    ),
  );
  policy.get('login')!.checks.add(
    new Check('application_access', 'the signed-in account may not use this application', async (ctx: KoaContextWithOIDC) => {
      const accountId = ctx.oidc.account?.accountId;
      if (!accountId || ctx.oidc.result?.login) return Check.NO_NEED_TO_PROMPT;
      const decision = await deps.checkAccess(ctx.oidc.client!.clientId, accountId as UserId);
      return decision.ok ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT;
    }),
  );
  policy.get('login')!.checks.add(
    new Check('acr_values', 'the session does not reach the assurance the application asked for', (ctx: KoaContextWithOIDC) => {
      if (!ctx.oidc.account || ctx.oidc.result?.login) return Check.NO_NEED_TO_PROMPT;
      const asked = requestedLevel(ctx.oidc.params?.acr_values as string | undefined);
      return asked > levelOf(ctx.oidc.session?.acr) ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT;
    }),
  );
  policy.get('consent')!.checks.add(
    // Accepting the terms is the consent a person gives: prompt=none learns consent_required.
    new Check('terms_of_use', 'the terms of use of this application are not accepted', 'consent_required', async (ctx: KoaContextWithOIDC) => {
      const accountId = ctx.oidc.account?.accountId;
      if (!accountId || ctx.oidc.result?.consent) return Check.NO_NEED_TO_PROMPT;
      const found = await deps.store.clients.findClient(ctx.oidc.client!.clientId);
      if (!found) return Check.NO_NEED_TO_PROMPT;
      const scope = deps.store.forNamespace(asNamespaceId(found.application.namespaceId));
      const accepted = await scope.terms.acceptedVersion(asApplicationId(found.application.id), accountId as UserId);
      return accepted !== null && accepted >= found.application.termsVersion ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT;
    }),
  );
  return policy;
}

/** The highest level among acr_values (`urn:techpass:aalN`), 1 when none is asked for. */
function requestedLevel(acrValues: string | undefined): number {
  return Math.max(1, ...(acrValues ?? '').split(' ').map(levelOf));
}

function levelOf(acr: string | undefined): number {
  const match = /^urn:techpass:aal([123])$/.exec(acr ?? '');
  return match ? Number(match[1]) : 0;
}

/** What the HTTP layer may ask of the provider about an interaction. */
export interface InteractionPort {
  /** The interaction behind this request's cookie and uid; null when it expired or is not this browser's. */
  facts(req: IncomingMessage, res: ServerResponse, uid: string): Promise<InteractionFacts | null>;
  /** Hands the result back; answers the URL to send the browser to. */
  finish(req: IncomingMessage, res: ServerResponse, result: InteractionResult): Promise<string>;
}

export function interactionPort(current: () => Provider): InteractionPort {
  return {
    async facts(req, res, uid) {
      let details;
      try {
        details = await current().interactionDetails(req, res);
      } catch {
        return null;
      }
      if (details.uid !== uid) return null;
      const params = details.params as Record<string, string | undefined>;
      const promptName = details.prompt.name;
      const requested = (params.prompt ?? '').split(' ').filter(Boolean);
      if (promptName === 'select_account' && !requested.includes('select_account')) requested.push('select_account');
      return {
        uid: details.uid,
        requestedAal: requestedLevel(params.acr_values),
        prompt: promptName === 'consent' ? 'consent' : 'login',
        clientId: String(params.client_id),
        ...(params.login_hint ? { loginHint: params.login_hint } : {}),
        requestedPrompts: requested,
        // A session whose account is gone or on hold is no session: the person signs in afresh.
        ...(details.session?.accountId && !details.prompt.reasons.includes(ACCOUNT_UNAVAILABLE)
          ? { sessionAccountId: details.session.accountId }
          : {}),
      };
    },

    async finish(req, res, result) {
      const provider = current();
      if ('error' in result) {
        return provider.interactionResult(
          req,
          res,
          { error: result.error, error_description: result.description },
          { mergeWithLastSubmission: false },
        );
      }
      if ('login' in result) {
        return provider.interactionResult(req, res, { login: result.login, select_account: {} }, { mergeWithLastSubmission: false });
      }
      const details = await provider.interactionDetails(req, res);
      const accountId = details.session?.accountId;
      const clientId = String(details.params.client_id);
      const grant = details.grantId ? await provider.Grant.find(details.grantId) : new provider.Grant({ accountId: accountId!, clientId });
      if (!grant) throw new Error('grant of this interaction is gone');
      const missing = details.prompt.details as {
        missingOIDCScope?: string[];
        missingOIDCClaims?: string[];
        missingResourceScopes?: Record<string, string[]>;
      };
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
      const grantId = await grant.save();
      return provider.interactionResult(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    },
  };
}

/**
 * The grant an authorization request resolves with. TechPass shows no consent screen for
 * scopes: an application's tenant registered it, and what a person agrees to is the
 * application's terms of use (the consent prompt's `terms_of_use` check, which still
 * fires). So the session's grant for the application, or a new one, is given what the
 * request asks for: exactly what the consent prompt's own checks would find missing
 * (`op_scopes_missing`, `op_claims_missing`, `rs_scopes_missing`) and the consent
 * interaction used to add. A returning user's first sign-in to an application then needs
 * one interaction, not two (a round trip of the provider and a sign-in page saved).
 */
export async function grantForRequest(ctx: KoaContextWithOIDC) {
  const { oidc } = ctx;
  const client = oidc.client!;
  const grantId = (oidc.result?.consent as { grantId?: string } | undefined)?.grantId ?? oidc.session!.grantIdFor(client.clientId);
  const existing = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
  const grant = existing ?? new oidc.provider.Grant({ accountId: oidc.account!.accountId, clientId: client.clientId });
  let changed = !existing;
  const scopes = new Set(grant.getOIDCScopeEncountered().split(' '));
  const missingScopes = [...oidc.requestParamOIDCScopes].filter((scope) => !scopes.has(scope));
  if (missingScopes.length) grant.addOIDCScope(missingScopes.join(' '));
  const claims = new Set(grant.getOIDCClaimsEncountered());
  const missingClaims = [...oidc.requestParamClaims].filter((claim) => !claims.has(claim));
  if (missingClaims.length) grant.addOIDCClaims(missingClaims);
  changed ||= missingScopes.length > 0 || missingClaims.length > 0;
  for (const [indicator, server] of Object.entries(oidc.resourceServers ?? {})) {
    const granted = new Set(grant.getResourceScopeEncountered(indicator).split(' '));
    const available = (server as { scopes: Set<string> }).scopes;
    const missing = [...oidc.requestParamScopes].filter((scope) => available.has(scope) && !granted.has(scope));
    if (missing.length) grant.addResourceScope(indicator, missing.join(' '));
    changed ||= missing.length > 0;
  }
  if (changed) await grant.save();
  return grant;
}

/** Provider configuration for interactions, errors and sign-out pages. */
export function interactionConfiguration(deps: InteractionDeps): Partial<Configuration> {
  return {
    loadExistingGrant: grantForRequest,
    interactions: {
      policy: signInPolicy(deps),
      url: (_ctx: KoaContextWithOIDC, interaction) => `/login/${interaction.uid}`,
    },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.set('content-security-policy', PAGE_CSP);
      const correlationId = String(ctx.res.getHeader('x-correlation-id') ?? '');
      ctx.body = deps.pages.error({ error: String(out.error), description: out.error_description as string | undefined, correlationId });
    },
    features: {
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.type = 'html';
          ctx.set('content-security-policy', PAGE_CSP);
          ctx.body = deps.pages.signOutConfirm({ form, applicationName: ctx.oidc.client?.clientName });
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.type = 'html';
          ctx.set('content-security-policy', PAGE_CSP);
          ctx.body = deps.pages.signedOut({ applicationName: ctx.oidc.client?.clientName });
        },
      },
    },
  };
}

/** Signing out of TechPass ends the live sessions of every account this browser remembers. */
export function endRememberedSessionsOnSignOut(provider: Provider, deps: InteractionDeps): void {
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.method !== 'POST' || ctx.path !== '/logout/confirm' || ctx.status < 300 || ctx.status >= 400) return;
    // The provider also passes through here when a browser switches accounts
    // (it ends the old session, then resumes the authorization): that is not a sign-out.
    const location = new URL(ctx.response.get('location') || '/', 'http://techpass.invalid');
    if (location.pathname.startsWith('/authorize/')) return;
    const refs = readRememberedRefs(deps.cookieKey, ctx.cookies.get(deps.cookieName));
    await deps.store.rememberedAccounts.endSessions(refs);
  });
}
