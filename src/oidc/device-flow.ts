/**
 * The device authorization grant (RFC 8628), oidc-provider's `deviceFlow` configured:
 * how `techpass login` signs a person in from a terminal.
 *
 * - The terminal asks `POST /device/auth` (client_id, scope, resource) for a device code
 *   and a user code; only public clients the platform allowed the grant
 *   (`Application.deviceGrant`, oidc/clients.ts) may. The answer carries `interval` (5 s).
 * - The person opens `/device` (the verification URI) in a browser, types the user code
 *   (RFC 8628 §6.1's base-20 charset, `XXXX-XXXX`, 20^8 codes), confirms it is the code
 *   the terminal shows, and signs in through the normal TechPass sign-in (the
 *   interaction: password, MFA, policies). The pages are TechPass's (ui/device-pages.tsx),
 *   without scripts; their forms carry the provider's own CSRF field (`xsrf`, bound to
 *   the provider's session cookie).
 * - Brute force: wrong user codes are counted per client address (the database's rate
 *   limiter, so every node counts together); past USER_CODE_GUESSES in the window the page
 *   answers 429 without looking the code up.
 * - Polling: a device code polled again within INTERVAL_SECONDS of its last poll answers
 *   `slow_down` (RFC 8628 §3.5), counted in the database as well.
 * - Expiry: DEVICE_CODE_TTL (default 10 minutes): `expired_token` for the terminal, a page
 *   saying so for the person.
 */
import { createHash } from 'node:crypto';
import Provider, { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { RateLimiter } from '../domain/repositories.js';
import { PAGE_CSP } from '../platform/page-policy.js';

/** The RFC's default polling interval, announced in every device authorization answer. */
export const INTERVAL_SECONDS = 5;
/** Wrong user codes one client address may try in USER_CODE_WINDOW_MS. */
export const USER_CODE_GUESSES = 10;
export const USER_CODE_WINDOW_MS = 15 * 60_000;

export const DEVICE_ROUTES = { device_authorization: '/device/auth', code_verification: '/device' } as const;

export type DeviceCodeProblem = 'not_found' | 'expired' | 'used' | 'aborted' | 'missing' | 'throttled' | 'failed';

/** The pages of the grant (supplied by the UI layer). */
export interface DevicePages {
  codeInput(input: {
    form?: { action: string; xsrf: string } | undefined;
    code?: string | undefined;
    problem?: DeviceCodeProblem | undefined;
  }): string;
  codeConfirm(input: { form: { action: string; xsrf: string }; code: string; applicationName: string }): string;
  success(input: { applicationName: string }): string;
}

/** Too many wrong user codes from one address. */
class TooManyUserCodes extends errors.OIDCProviderError {
  constructor() {
    super(429, 'too_many_user_codes', { error_description: 'too many wrong codes from this address; wait, then try again' } as never);
  }
}

const PROBLEMS: Record<string, DeviceCodeProblem> = {
  NotFoundError: 'not_found',
  ExpiredError: 'expired',
  AlreadyUsedError: 'used',
  AbortedError: 'aborted',
  NoCodeError: 'missing',
};

function problemOf(err: unknown): DeviceCodeProblem | undefined {
  if (!err) return undefined;
  if (err instanceof TooManyUserCodes) return 'throttled';
  return PROBLEMS[(err as Error).name] ?? 'failed';
}

function page(ctx: KoaContextWithOIDC, html: string): void {
  ctx.type = 'html';
  ctx.set('content-security-policy', PAGE_CSP);
  ctx.set('cache-control', 'no-store');
  ctx.body = html;
}

const formOf = (ctx: KoaContextWithOIDC) => {
  const secret = (ctx.oidc.session?.state as { secret?: string } | undefined)?.secret;
  return secret ? { action: ctx.oidc.urlFor('code_verification'), xsrf: secret } : undefined;
};

const applicationName = (client: { clientName?: string | undefined; clientId: string } | undefined) =>
  client?.clientName ?? client?.clientId ?? 'An application';

export function deviceFlowFeature(pages: DevicePages): NonNullable<NonNullable<Configuration['features']>['deviceFlow']> {
  return {
    enabled: true,
    charset: 'base-20',
    mask: '****-****',
    userCodeInputSource: (ctx, _form, _out, err) => {
      const problem = problemOf(err);
      const code = (err as { userCode?: string } | undefined)?.userCode;
      page(ctx, pages.codeInput({ form: problem === 'throttled' ? undefined : formOf(ctx), code, problem }));
    },
    userCodeConfirmSource: (ctx, _form, client, _deviceInfo, userCode) => {
      page(ctx, pages.codeConfirm({ form: formOf(ctx)!, code: userCode, applicationName: applicationName(client) }));
    },
    successSource: (ctx) => {
      page(ctx, pages.success({ applicationName: applicationName(ctx.oidc.client) }));
    },
  };
}

const digest = (value: string) => createHash('sha256').update(value).digest('base64url');

/**
 * The limits oidc-provider leaves to the deployment: wrong user codes per address, and
 * polling faster than the interval. Installed on the provider's DeviceCode model (its
 * lookups by user code and by device code), and on the device authorization answer.
 */
export function installDeviceFlowLimits(provider: Provider, rateLimits: RateLimiter): void {
  const DeviceCode = provider.DeviceCode as unknown as {
    find(value: string, options?: object): Promise<unknown>;
    findByUserCode(userCode: string, options?: object): Promise<unknown>;
  };
  const find = DeviceCode.find.bind(DeviceCode);
  const findByUserCode = DeviceCode.findByUserCode.bind(DeviceCode);

  DeviceCode.find = async (value, options) => {
    const ctx = Provider.ctx;
    if (ctx?.oidc?.route === 'token') {
      const polls = await rateLimits.hit(`device-poll:${digest(value)}`, INTERVAL_SECONDS * 1000);
      if (polls > 1) throw new errors.SlowDown(`poll at most every ${INTERVAL_SECONDS} seconds`);
    }
    return find(value, options);
  };

  DeviceCode.findByUserCode = async (userCode, options) => {
    const ctx = Provider.ctx;
    const key = `device-user-code:${ctx?.ip ?? 'unknown'}`;
    if ((await rateLimits.count(key, USER_CODE_WINDOW_MS)) >= USER_CODE_GUESSES) throw new TooManyUserCodes();
    const found = await findByUserCode(userCode, options);
    if (!found) await rateLimits.hit(key, USER_CODE_WINDOW_MS);
    return found;
  };

  provider.use(async (ctx, next) => {
    await next();
    if (ctx.method === 'POST' && ctx.path === DEVICE_ROUTES.device_authorization && ctx.status === 200) {
      const body = ctx.body as Record<string, unknown> | undefined;
      if (body && typeof body === 'object' && 'device_code' in body) ctx.body = { ...body, interval: INTERVAL_SECONDS };
    }
  });
}
