/**
 * The sign-in experience over HTTP: `GET /login/<uid>` shows the page of a
 * provider interaction's flow; each form posts to `/login/<uid>/<step>` and is
 * answered with a redirect (post/redirect/get): back to the page, with the
 * problem to say in its query, or into the provider when the flow completes.
 * So the Back button and a reload never post again. Translation only: every
 * rule lives in flows/sign-in and the domain, and showing a page writes nothing.
 */
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ERROR_STATUS, ErrorCodes } from '../contracts/errors.js';
import {
  authenticatorEnrolled,
  interactionOfState,
  pushProgress,
  SIGN_IN_PROBLEMS,
  type InteractionFacts,
  type InteractionResult,
  type SignInDeps,
  type SignInOutcome,
  type SignInProblem,
  type SignInRequest,
} from '../flows/sign-in.js';
import { runFederationCallback, runSignInStep } from '../flows/sign-in-step-table.js';
import { afterUpstreamSignOut, UPSTREAM_SIGN_OUT_DONE_PATH } from '../strategies/upstream-oidc/sign-out.js';
import { signInPage } from '../flows/sign-in-view.js';
import { readRememberedRefs, verifyValue, writeRememberedRefs } from '../platform/signed-cookie.js';
import { parseOnboardingBrowserValue } from '../flows/onboarding.js';
import { renderPage } from '../ui/layout.js';
import { ErrorPage } from '../ui/sign-in-pages.js';
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
  /** Checks where a sign-out goes on after the integrated provider's (oidc/upstream-sign-out.ts). */
  upstreamSignOut: { key: Buffer; publicUrl: string };
  /** The cookie binding this browser to the onboarding link it opened (sign-up-routes.ts), if onboarding is served. */
  onboardingCookie?: { key: Buffer; name: string };
}

const require = createRequire(import.meta.url);
const sgdsCss = readFileSync(require.resolve('@govtechsg/sgds/css/sgds.css'), 'utf8');
// @simplewebauthn/browser's browser bundle (a global SimpleWebAuthnBrowser), for the passkey pages.
// The sign-in pages' watcher (web/sign-in/watcher.js, type-checked by tsconfig.web.json), from src/http or dist/http alike.
const watcherJs = readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'sign-in', 'watcher.js'), 'utf8');
const webauthnJs = readFileSync(path.join(path.dirname(require.resolve('@simplewebauthn/browser')), '../dist/bundle/index.umd.min.js'), 'utf8');

const Uid = z.object({ uid: z.string().max(200) });
/** The problem a page says; anything else in the query is ignored. */
const PageQuery = z.object({ problem: z.enum(SIGN_IN_PROBLEMS).optional().catch(undefined) });
const field = z.string().max(16_384).optional();
/** Every sign-in form's fields (each step reads its own), with the flow's token. */
const StepForm = z.object({
  csrf: field,
  login: field,
  password: field,
  code: field,
  method: field,
  response: field,
  name: field,
  ref: field,
  confirm: field,
});

export async function registerSignInRoutes(app: FastifyInstance, deps: SignInRoutesDeps): Promise<void> {
  await app.register(async (plain) => {
    plain.setValidatorCompiler(validatorCompiler);
    plain.setSerializerCompiler(serializerCompiler);
    const scope = plain.withTypeProvider<ZodTypeProvider>();
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
    const onboardingOf = (request: FastifyRequest) =>
      deps.onboardingCookie
        ? parseOnboardingBrowserValue(verifyValue(deps.onboardingCookie.key, cookieValue(request, deps.onboardingCookie.name)))
        : null;
    const requestOf = (request: FastifyRequest): SignInRequest => ({
      ip: request.ip,
      userAgent: request.headers['user-agent'] ?? '',
      rememberedRefs: refsOf(request),
      onboarding: onboardingOf(request),
      correlationId: request.id,
    });

    const page = (reply: FastifyReply, html: string, status = 200, nonce?: string) => {
      setPageHeaders(reply, deps.cookie.secure, nonce);
      return reply.code(status).type('text/html; charset=utf-8').send(html);
    };

    const expired = (request: FastifyRequest, reply: FastifyReply) =>
      page(reply, renderPage(ErrorPage({ error: 'expired', correlationId: request.id })), ERROR_STATUS[ErrorCodes.flowExpired]);

    /** A request that does not belong here (a forged form, a stray answer): an error page with its correlation id, nothing changed. */
    const invalidRequest = (request: FastifyRequest, reply: FastifyReply, description: string, status = ERROR_STATUS[ErrorCodes.inputInvalid]) =>
      page(reply, renderPage(ErrorPage({ error: 'invalid_request', description, correlationId: request.id })), status);

    /** Hands a finished flow's result to the provider, which answers where the browser goes next. */
    const finish = async (request: FastifyRequest, reply: FastifyReply, result: InteractionResult) =>
      reply.redirect(await deps.port.finish(request.raw, reply.raw, result), 303);

    /** A step's answer: always a redirect, to the flow's page (with its problem) or into the provider. */
    const answer = async (request: FastifyRequest, reply: FastifyReply, facts: InteractionFacts, outcome: SignInOutcome) => {
      if (outcome.rememberedRefs) setRememberedCookie(reply, deps, outcome.rememberedRefs);
      if (outcome.kind === 'finish') return finish(request, reply, outcome.result);
      // To the person's integrated identity provider (home-realm discovery).
      if (outcome.kind === 'upstream') return reply.redirect(outcome.url, 303);
      if (outcome.failure) request.log.warn({ federation: outcome.failure }, 'an integrated provider’s answer was not accepted');
      return reply.redirect(pagePath(facts.uid, outcome.problem), 303);
    };

    scope.get('/login/:uid', { schema: { params: Uid, querystring: PageQuery } }, async (request, reply) => {
      const facts = await deps.port.facts(request.raw, reply.raw, request.params.uid);
      const problem = request.query.problem;
      if (!facts || problem === 'expired') return expired(request, reply);
      const shown = await signInPage(deps.signIn, facts, requestOf(request));
      if (shown.kind === 'finish') return finish(request, reply, shown.result);
      const nonce = randomBytes(16).toString('base64');
      const status = problem ? PROBLEM_STATUS[problem] : 200;
      return page(reply, renderPage(await pageFor(shown.view, problem, nonce, request.id)), status, nonce);
    });

    // The integrated providers' callback (one URL for all, registered upstream). The interaction's
    // cookie is scoped to /login/<uid>, so the answer is passed on there, where that cookie binds it
    // to this browser; `state` names the interaction.
    scope.get('/login/federation/callback', async (request, reply) => {
      const query = new URLSearchParams(request.raw.url?.split('?')[1] ?? '');
      const uid = interactionOfState(query.get('state') ?? '');
      if (!uid || !/^[\w-]{1,200}$/.test(uid)) {
        request.log.warn('a federation callback without a usable state');
        return invalidRequest(request, reply, 'this answer does not belong to a sign-in in progress');
      }
      reply.header('cache-control', 'no-store');
      return reply.redirect(`/login/${encodeURIComponent(uid)}/federation?${query.toString()}`, 303);
    });

    // Back from the integrated provider's sign-out: on to where TechPass's sign-out was going.
    scope.get(
      UPSTREAM_SIGN_OUT_DONE_PATH,
      { schema: { querystring: z.object({ state: z.string().max(4096).optional() }) } },
      async (request, reply) => {
        const destination = afterUpstreamSignOut(deps.upstreamSignOut.key, request.query.state, deps.upstreamSignOut.publicUrl);
        if (!destination) {
          return invalidRequest(request, reply, 'this sign-out answer was not started by TechPass');
        }
        reply.header('cache-control', 'no-store');
        return reply.redirect(destination, 303);
      },
    );

    scope.get('/login/:uid/federation', { schema: { params: Uid } }, async (request, reply) => {
      const facts = await deps.port.facts(request.raw, reply.raw, request.params.uid);
      if (!facts) {
        request.log.warn('a federation answer for a sign-in that expired or belongs to another browser');
        return expired(request, reply);
      }
      const query = new URLSearchParams(request.raw.url?.split('?')[1] ?? '');
      const outcome = await runFederationCallback(deps.signIn, facts.uid, { query, correlationId: request.id }, requestOf(request));
      return outcome.kind === 'gone' ? expired(request, reply) : answer(request, reply, facts, outcome);
    });

    // Polled by the push page's script: has the phone answered? (Only the status, nothing else.)
    scope.get('/login/:uid/push-status', { schema: { params: Uid } }, async (request, reply) => {
      const facts = await deps.port.facts(request.raw, reply.raw, request.params.uid);
      const status = facts ? await pushProgress(deps.signIn, facts.uid) : null;
      reply.header('cache-control', 'no-store');
      return status ? reply.send({ status }) : reply.code(404).send({ status: 'none' });
    });

    // Polled by the enrol page's script: has the phone added the account with this sign-in's link?
    scope.get('/login/:uid/enrol-status', { schema: { params: Uid } }, async (request, reply) => {
      const facts = await deps.port.facts(request.raw, reply.raw, request.params.uid);
      const enrolled = facts ? await authenticatorEnrolled(deps.signIn, facts.uid) : null;
      reply.header('cache-control', 'no-store');
      return enrolled === null ? reply.code(404).send({ status: 'none' }) : reply.send({ status: enrolled ? 'enrolled' : 'pending' });
    });

    scope.post(
      '/login/:uid/:step',
      { schema: { params: z.object({ uid: z.string().max(200), step: z.string().max(40) }), body: StepForm.optional() } },
      async (request, reply) => {
        const facts = await deps.port.facts(request.raw, reply.raw, request.params.uid);
        if (!facts) return expired(request, reply);
        const { csrf = '', ...form } = request.body ?? {};
        const outcome = await runSignInStep(deps.signIn, facts.uid, request.params.step, csrf, form, requestOf(request));
        switch (outcome.kind) {
          case 'gone':
            return expired(request, reply);
          case 'forged':
            return invalidRequest(request, reply, 'the form was not sent by this sign-in page', ERROR_STATUS[ErrorCodes.csrfInvalid]);
          case 'unknown':
            return reply.code(404).send({ error: 'not_found', message: `no sign-in step ${request.params.step}` });
          default:
            return answer(request, reply, facts, outcome);
        }
      },
    );
  });
}

/** The flow's page, with the problem to say (post/redirect/get carries it in the query). */
const pagePath = (uid: string, problem?: SignInProblem) => `/login/${encodeURIComponent(uid)}${problem ? `?problem=${problem}` : ''}`;

/** Writes the browser's remembered accounts (signed), the most recent first. */
function setRememberedCookie(reply: FastifyReply, deps: SignInRoutesDeps, refs: string[]): void {
  reply.setCookie(deps.cookie.name, writeRememberedRefs(deps.cookie.key, refs), {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    maxAge: deps.cookie.maxAgeSeconds,
    secure: deps.cookie.secure,
  });
}
