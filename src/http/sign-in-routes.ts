/**
 * The sign-in experience over HTTP: `/login/<uid>` renders the flow of a provider
 * interaction; each form posts to `/login/<uid>/<step>` and is answered with the
 * next page or, when the flow completes, a redirect back into the provider.
 * Translation only: every rule lives in flows/sign-in and the domain.
 */
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERROR_STATUS, ErrorCodes } from '../contracts/errors.js';
import type { SignInFlow } from '../domain/flows/sign-in.js';
import {
  abandon,
  acceptTerms,
  authenticatorEnrolled,
  chooseEnrolMethod,
  chooseFactor,
  confirmPasskeyEnrolment,
  confirmTotpEnrolment,
  continueAuthenticatorEnrolment,
  continuePush,
  currentFactor,
  openSignIn,
  pickAccount,
  pushProgress,
  signInWithPasskey,
  skipEnrolment,
  startPush,
  startRecovery,
  submitIdentifier,
  submitPassword,
  submitPasskey,
  submitTotp,
  useAnotherAccount,
  type InteractionFacts,
  type InteractionResult,
  type RememberedChoice,
  type SignInDeps,
  type SignInOutcome,
} from '../flows/sign-in.js';
import { readRememberedRefs, writeRememberedRefs } from '../platform/signed-cookie.js';
import { constantTimeEqual } from '../platform/secrets.js';
import { renderPage } from '../ui/layout.js';
import { ErrorPage, type FormContext } from '../ui/sign-in-pages.js';
import { TECHPASS_CSS } from '../ui/techpass-css.js';
import { pageFor, PROBLEM_STATUS } from './sign-in-views.js';
import { cookieValue } from './request-cookies.js';
import { setPageHeaders } from './security-headers.js';

/** What this surface needs from the provider (implemented in src/oidc/interactions.ts). */
export interface InteractionPort {
  facts(req: IncomingMessage, res: ServerResponse, uid: string): Promise<InteractionFacts | null>;
  finish(req: IncomingMessage, res: ServerResponse, result: InteractionResult): Promise<string>;
}

export interface SignInRoutesDeps {
  port: InteractionPort;
  signIn: SignInDeps;
  cookie: { key: Buffer; name: string; secure: boolean; maxAgeSeconds: number };
}

const require = createRequire(import.meta.url);
const sgdsCss = readFileSync(require.resolve('@govtechsg/sgds/css/sgds.css'), 'utf8');
// @simplewebauthn/browser's browser bundle (a global SimpleWebAuthnBrowser), for the passkey pages.
// The sign-in pages' watcher (web/sign-in/watcher.js, type-checked by tsconfig.web.json), from src/http or dist/http alike.
const watcherJs = readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'sign-in', 'watcher.js'), 'utf8');
const webauthnJs = readFileSync(path.join(path.dirname(require.resolve('@simplewebauthn/browser')), '../dist/bundle/index.umd.min.js'), 'utf8');

type Body = Record<string, string | undefined>;

export async function registerSignInRoutes(app: FastifyInstance, deps: SignInRoutesDeps): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(formbody, { bodyLimit: 16_384 });

    scope.get('/login/assets/sgds.css', async (_req, reply) =>
      reply.header('content-type', 'text/css; charset=utf-8').header('cache-control', 'public, max-age=86400').send(sgdsCss),
    );
    scope.get('/login/assets/webauthn.js', async (_req, reply) =>
      reply.header('content-type', 'text/javascript; charset=utf-8').header('cache-control', 'public, max-age=86400').send(webauthnJs),
    );
    scope.get('/login/assets/watcher.js', async (_req, reply) =>
      reply.header('content-type', 'text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(watcherJs),
    );
    scope.get('/login/assets/techpass.css', async (_req, reply) =>
      reply.header('content-type', 'text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(TECHPASS_CSS),
    );

    const refsOf = (request: FastifyRequest) => readRememberedRefs(deps.cookie.key, cookieValue(request, deps.cookie.name));

    const remembered = async (request: FastifyRequest): Promise<RememberedChoice[]> => {
      const now = deps.signIn.clock.now();
      const rows = await deps.signIn.remembered.find(refsOf(request));
      return rows.map((r) => ({ ref: r.ref, userId: r.userId, amr: r.amr, live: r.sessionExpiresAt !== null && r.sessionExpiresAt > now }));
    };

    const page = (reply: FastifyReply, html: string, status = 200, nonce?: string) => {
      setPageHeaders(reply, deps.cookie.secure, nonce);
      return reply.code(status).type('text/html; charset=utf-8').send(html);
    };

    const expired = (request: FastifyRequest, reply: FastifyReply) =>
      page(reply, renderPage(ErrorPage({ error: 'expired', correlationId: request.id })), ERROR_STATUS[ErrorCodes.flowExpired]);

    const render = async (request: FastifyRequest, reply: FastifyReply, outcome: SignInOutcome): Promise<FastifyReply> => {
      if (outcome.kind === 'show' && outcome.flow.state === 'factors' && currentFactor(outcome.flow) === 'swk' && !outcome.flow.context.push) {
        // Entering the push step sends the prompt to the phone.
        const started = await startPush(deps.signIn, outcome.flow, { ip: request.ip, userAgent: request.headers['user-agent'] ?? '' });
        outcome = started.kind === 'show' && !started.problem && outcome.problem ? { ...started, problem: outcome.problem } : started;
      }
      if (outcome.kind === 'finish') {
        const result = outcome.result;
        if ('login' in result && result.rememberRef) {
          // One entry per account in the picker: a new sign-in replaces the account's earlier one.
          const earlier = (await remembered(request)).filter((c) => c.ref !== result.rememberRef && c.userId === result.login.accountId);
          for (const c of earlier) await deps.signIn.remembered.forget(c.ref);
          const kept = refsOf(request).filter((r) => r !== result.rememberRef && !earlier.some((c) => c.ref === r));
          setRememberedCookie(reply, deps, [result.rememberRef, ...kept]);
        }
        const to = await deps.port.finish(request.raw, reply.raw, result);
        return reply.redirect(to, 303);
      }
      const { flow, problem } = outcome;
      if (problem === 'expired') return expired(request, reply);
      const f: FormContext = { action: `/login/${flow.interactionUid}`, csrf: flow.csrf, applicationName: flow.context.applicationName };
      const status = problem ? PROBLEM_STATUS[problem] : 200;
      const nonce = randomBytes(16).toString('base64');
      const element = await pageFor(deps.signIn, flow, f, { request, nonce, problem, remembered: () => remembered(request) });
      return page(reply, renderPage(element), status, nonce);
    };

    scope.get<{ Params: { uid: string } }>('/login/:uid', async (request, reply) => {
      const facts = await deps.port.facts(request.raw, reply.raw, request.params.uid);
      if (!facts) return expired(request, reply);
      return render(request, reply, await openSignIn(deps.signIn, facts, await remembered(request)));
    });

    // Polled by the push page's script: has the phone answered? (Only the status, nothing else.)
    scope.get<{ Params: { uid: string } }>('/login/:uid/push-status', async (request, reply) => {
      const facts = await deps.port.facts(request.raw, reply.raw, request.params.uid);
      const flow = facts ? ((await deps.signIn.flows.findByInteraction(facts.uid)) as SignInFlow | null) : null;
      reply.header('cache-control', 'no-store');
      if (!flow) return reply.code(404).send({ status: 'none' });
      return reply.send({ status: await pushProgress(deps.signIn, flow) });
    });

    // Polled by the enrol page's script: has the phone added the account with this sign-in's link?
    scope.get<{ Params: { uid: string } }>('/login/:uid/enrol-status', async (request, reply) => {
      const facts = await deps.port.facts(request.raw, reply.raw, request.params.uid);
      const flow = facts ? ((await deps.signIn.flows.findByInteraction(facts.uid)) as SignInFlow | null) : null;
      reply.header('cache-control', 'no-store');
      if (!flow) return reply.code(404).send({ status: 'none' });
      return reply.send({ status: (await authenticatorEnrolled(deps.signIn, flow)) ? 'enrolled' : 'pending' });
    });

    scope.post<{ Params: { uid: string; step: string }; Body: Body }>('/login/:uid/:step', async (request, reply) => {
      const facts = await deps.port.facts(request.raw, reply.raw, request.params.uid);
      if (!facts) return expired(request, reply);
      const flow = (await deps.signIn.flows.findByInteraction(facts.uid)) as SignInFlow | null;
      const body = (request.body ?? {}) as Body;
      if (!flow) return expired(request, reply);
      if (!constantTimeEqual(body.csrf ?? '', flow.csrf)) {
        return page(
          reply,
          renderPage(ErrorPage({ error: 'invalid_request', description: 'the form was not sent by this sign-in page', correlationId: request.id })),
          ERROR_STATUS[ErrorCodes.csrfInvalid],
        );
      }
      switch (request.params.step) {
        case 'identify':
          if (!body.login?.trim()) return render(request, reply, { kind: 'show', flow });
          return render(request, reply, await submitIdentifier(deps.signIn, flow, body.login));
        case 'password':
          return render(request, reply, await submitPassword(deps.signIn, flow, body.password ?? '', request.ip));
        case 'enrol-totp':
          return render(request, reply, await confirmTotpEnrolment(deps.signIn, flow, body.code ?? ''));
        case 'push':
          return render(request, reply, await continuePush(deps.signIn, flow));
        case 'push-retry':
          return render(request, reply, await startPush(deps.signIn, flow, { ip: request.ip, userAgent: request.headers['user-agent'] ?? '' }, true));
        case 'choose':
          return render(request, reply, await chooseFactor(deps.signIn, flow, body.method ?? ''));
        case 'recover':
          return render(request, reply, await startRecovery(deps.signIn, flow));
        case 'passkey':
          return render(request, reply, await submitPasskey(deps.signIn, flow, body.response ?? '', request.ip));
        case 'passkey-sign-in':
          return render(request, reply, await signInWithPasskey(deps.signIn, flow, body.response ?? '', request.ip));
        case 'enrol-choose':
          return render(request, reply, await chooseEnrolMethod(deps.signIn, flow, body.method ?? ''));
        case 'enrol-passkey':
          return render(request, reply, await confirmPasskeyEnrolment(deps.signIn, flow, body.response ?? '', body.name ?? ''));
        case 'enrol-authenticator':
          return render(request, reply, await continueAuthenticatorEnrolment(deps.signIn, flow));
        case 'enrol-skip':
          return render(request, reply, await skipEnrolment(deps.signIn, flow));
        case 'totp':
          return render(request, reply, await submitTotp(deps.signIn, flow, body.code ?? '', request.ip));
        case 'another':
          return render(request, reply, await useAnotherAccount(deps.signIn, flow));
        case 'pick': {
          const choice = (await remembered(request)).find((c) => c.ref === body.ref);
          return render(request, reply, await pickAccount(deps.signIn, flow, choice));
        }
        case 'forget': {
          const refs = refsOf(request);
          if (body.ref && refs.includes(body.ref)) {
            await deps.signIn.remembered.forget(body.ref);
            setRememberedCookie(
              reply,
              deps,
              refs.filter((r) => r !== body.ref),
            );
          }
          const left = refs.filter((r) => r !== body.ref);
          return left.length
            ? render(request, reply, { kind: 'show', flow: { ...flow, state: 'choose_account' } })
            : render(request, reply, await useAnotherAccount(deps.signIn, flow));
        }
        case 'terms':
          return render(request, reply, await acceptTerms(deps.signIn, flow));
        case 'abort':
          return render(request, reply, abandon(flow));
        default:
          return reply.code(404).send({ error: 'not_found', message: `no sign-in step ${request.params.step}` });
      }
    });
  });
}

/** The cookie `name` as the browser sent it; a value that is not valid percent-encoding is ignored (no cookie). */
function setRememberedCookie(reply: FastifyReply, deps: SignInRoutesDeps, refs: string[]): void {
  const value = encodeURIComponent(writeRememberedRefs(deps.cookie.key, refs));
  const attributes = [`Path=/`, `HttpOnly`, `SameSite=Lax`, `Max-Age=${deps.cookie.maxAgeSeconds}`, ...(deps.cookie.secure ? ['Secure'] : [])];
  const existing = reply.raw.getHeader('set-cookie');
  const cookies = Array.isArray(existing) ? existing : existing ? [String(existing)] : [];
  reply.raw.setHeader('set-cookie', [...cookies, `${deps.cookie.name}=${value}; ${attributes.join('; ')}`]);
}
