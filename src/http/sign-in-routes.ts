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
import type { SignInFlow } from '../domain/flows/sign-in.js';
import { techpassId } from '../domain/users.js';
import {
  abandon,
  acceptTerms,
  openSignIn,
  pickAccount,
  submitIdentifier,
  submitPassword,
  submitTotp,
  chooseFactor,
  continuePush,
  currentFactor,
  pushProgress,
  startPush,
  confirmTotpEnrolment,
  totpEnrolment,
  useAnotherAccount,
  type InteractionFacts,
  type InteractionResult,
  type RememberedChoice,
  type SignInDeps,
  type SignInOutcome,
  type SignInProblem,
} from '../flows/sign-in.js';
import { readRememberedRefs, writeRememberedRefs } from '../platform/signed-cookie.js';
import { constantTimeEqual } from '../platform/secrets.js';
import { renderPage } from '../ui/layout.js';
import {
  EnrolTotpPage,
  ErrorPage,
  IdentifyPage,
  PasswordPage,
  PickerPage,
  PushPage,
  RefusedPage,
  TermsPage,
  TotpPage,
  type FormContext,
} from '../ui/sign-in-pages.js';
import { qrSvg } from '../ui/qr.js';
import { TECHPASS_CSS } from '../ui/techpass-css.js';
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

const sgdsCss = readFileSync(createRequire(import.meta.url).resolve('@govtechsg/sgds/css/sgds.css'), 'utf8');

const PROBLEMS: Record<SignInProblem, string> = {
  wrong_password: 'The TechPass ID or password is not correct. Check them and try again.',
  wrong_code: 'That code is not correct. Enter the 6-digit code your authenticator app shows now.',
  reused_code: 'That code was already used. Wait for the next code in your authenticator app.',
  expired: 'This sign-in took too long and has expired. Go back to the application and start again.',
  stale: 'This page was out of date, so nothing was changed. Check the details and try again.',
  push_pending: 'Not approved yet. Enter the number in the TechPass Authenticator on your phone and tap Yes, then continue.',
  push_denied: 'The request was denied on your phone. If that was a mistake, send a new request.',
  push_wrong_number: 'The number entered on your phone did not match. Send a new request and enter the number shown here.',
  push_expired: 'The request expired before it was approved. Send a new request.',
  push_unavailable: 'A request cannot be sent to your phone right now (too many requests, or paused after repeated denials). Try again later or use another method.',
};

type Body = Record<string, string | undefined>;

export async function registerSignInRoutes(app: FastifyInstance, deps: SignInRoutesDeps): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(formbody, { bodyLimit: 16_384 });

    scope.get('/login/assets/sgds.css', async (_req, reply) =>
      reply.header('content-type', 'text/css; charset=utf-8').header('cache-control', 'public, max-age=86400').send(sgdsCss),
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
      page(reply, renderPage(ErrorPage({ error: 'expired', correlationId: request.id })), 400);

    const render = async (request: FastifyRequest, reply: FastifyReply, outcome: SignInOutcome): Promise<FastifyReply> => {
      if (outcome.kind === 'show' && outcome.flow.state === 'factors' && currentFactor(outcome.flow) === 'swk' && !outcome.flow.context.push) {
        // Entering the push step sends the prompt to the phone.
        const started = await startPush(deps.signIn, outcome.flow, { ip: request.ip, userAgent: request.headers['user-agent'] ?? '' });
        outcome = started.kind === 'show' && !started.problem && outcome.problem ? { ...started, problem: outcome.problem } : started;
      }
      if (outcome.kind === 'finish') {
        const result = outcome.result;
        if ('login' in result && result.rememberRef) {
          setRememberedCookie(reply, deps, [result.rememberRef, ...refsOf(request).filter((r) => r !== result.rememberRef)]);
        }
        const to = await deps.port.finish(request.raw, reply.raw, result);
        return reply.redirect(to, 303);
      }
      const { flow, problem } = outcome;
      if (problem === 'expired') return expired(request, reply);
      const f: FormContext = { action: `/login/${flow.interactionUid}`, csrf: flow.csrf, applicationName: flow.context.applicationName };
      const message = problem ? PROBLEMS[problem] : undefined;
      const status = problem === 'wrong_password' || problem === 'wrong_code' || problem === 'reused_code' ? 401 : problem && !problem.startsWith('push_') ? 409 : 200;
      const nonce = randomBytes(16).toString('base64');
      return page(reply, renderPage(await pageFor(flow, f, message, request, nonce, problem)), status, nonce);
    };

    const pageFor = async (
      flow: SignInFlow,
      f: FormContext,
      problem: string | undefined,
      request: FastifyRequest,
      nonce: string,
      problemCode?: SignInProblem,
    ) => {
      switch (flow.state) {
        case 'choose_account': {
          const choices = await remembered(request);
          const accounts = [];
          for (const c of choices) {
            const user = await deps.signIn.users.findById(c.userId);
            if (user) accounts.push({ ref: c.ref, name: `${user.givenName} ${user.familyName}`, techpassId: techpassId(user), live: c.live });
          }
          return PickerPage({ f, accounts, problem });
        }
        case 'identify':
          return IdentifyPage({ f, login: flow.context.login, problem });
        case 'password':
          return PasswordPage({ f, login: flow.context.login ?? '', problem });
        case 'terms': {
          const client = await deps.signIn.clients.findClient(flow.context.clientId);
          return TermsPage({ f, version: client?.application.termsVersion ?? 1 });
        }
        case 'refused':
          return RefusedPage({ f, refusal: flow.context.refusal ?? 'refused', correlationId: request.id });
        case 'factors':
          return currentFactor(flow) === 'swk'
            ? PushPage({
                f,
                number: flow.context.push?.number ?? null,
                problem,
                otherFactors: (flow.context.factorsOwed ?? []).filter((m) => m !== 'swk'),
                nonce,
                watching: problemCode === undefined || problemCode === 'push_pending',
              })
            : TotpPage({ f, problem });
        case 'enrol': {
          const enrolment = await totpEnrolment(deps.signIn, flow);
          if (!enrolment) return ErrorPage({ error: 'expired', correlationId: request.id });
          return EnrolTotpPage({ f, qr: await qrSvg(enrolment.uri), seed: enrolment.seed, problem });
        }
        case 'completed':
          return ErrorPage({ error: 'expired', correlationId: request.id });
      }
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
          403,
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

function cookieValue(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

function setRememberedCookie(reply: FastifyReply, deps: SignInRoutesDeps, refs: string[]): void {
  const value = encodeURIComponent(writeRememberedRefs(deps.cookie.key, refs));
  const attributes = [`Path=/`, `HttpOnly`, `SameSite=Lax`, `Max-Age=${deps.cookie.maxAgeSeconds}`, ...(deps.cookie.secure ? ['Secure'] : [])];
  const existing = reply.raw.getHeader('set-cookie');
  const cookies = Array.isArray(existing) ? existing : existing ? [String(existing)] : [];
  reply.raw.setHeader('set-cookie', [...cookies, `${deps.cookie.name}=${value}; ${attributes.join('; ')}`]);
}
