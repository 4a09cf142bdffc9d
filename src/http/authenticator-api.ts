/**
 * The device API of the TechPass Authenticator (`/api/v1/authenticator/…`):
 * registration with a one-time enrolment link, the challenges waiting for the
 * device (never their number), a live stream of them (server-sent events,
 * polling the database each second, so it works whichever node created the
 * challenge) and the signed answers. Every request but the registration is
 * authenticated by the device's signature (see src/contracts/authenticator.ts);
 * the registration is signed with the key it registers.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import type { z } from 'zod';
import {
  AnswerChallengeBody,
  AUTHENTICATOR_API,
  DEVICE_HEADER,
  EnrolDeviceBody,
  NONCE_HEADER,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  WebPushSubscriptionBody,
  type DeviceChallenge,
} from '../contracts/authenticator.js';
import { ApiError, ErrorCodes, type ErrorCode } from '../contracts/errors.js';
import type { AuthenticatorDevice } from '../domain/push.js';
import {
  answerChallenge,
  authenticateDevice,
  enrolDevice,
  pendingChallenges,
  removeOwnDevice,
  subscribeWebPush,
  type AnswerOutcome,
  type PendingChallenge,
  type PushDeps,
  type SignedRequest,
} from '../flows/push.js';
import { bodyDigest } from '../platform/device-keys.js';
import { describeBrowser } from '../platform/user-agent.js';

export interface AuthenticatorApiDeps {
  push: PushDeps;
  /** How often the stream looks for new challenges. */
  streamPollMs?: number;
  /** How long one stream stays open before the device reconnects (with a fresh signature). */
  streamLifetimeMs?: number;
  /** Accept Web Push endpoints on loopback and private addresses, and plain http (OUTBOUND_ALLOW_PRIVATE). */
  allowPrivateEndpoints?: boolean;
}

/** The code and message of each refused answer; the status is the code's (ERROR_STATUS). */
const ANSWER_ERRORS: Record<Exclude<AnswerOutcome, 'approved' | 'denied' | 'reported'>, [ErrorCode, string]> = {
  wrong_number: [ErrorCodes.pushWrongNumber, 'the number typed is not the one shown in the browser; the sign-in was refused'],
  expired: [ErrorCodes.pushExpired, 'this sign-in request has expired; start the sign-in again'],
  replayed: [ErrorCodes.pushReplayed, 'this sign-in request was already answered'],
  foreign_device: [ErrorCodes.pushForeignDevice, 'this device is not enrolled to the account that is signing in'],
  bad_signature: [ErrorCodes.pushBadSignature, "the answer's signature does not match this device's key"],
  stale: [ErrorCodes.pushAnswerStale, "the answer's timestamp is too far from the server's time; check the device clock"],
  not_found: [ErrorCodes.pushChallengeNotFound, 'there is no such sign-in request'],
};

const rawBodies = new WeakMap<FastifyRequest, string>();

const toDeviceChallenge = (c: PendingChallenge): DeviceChallenge => ({
  id: c.id,
  application: c.applicationName,
  createdAt: c.createdAt,
  expiresAt: c.expiresAt,
  ip: c.ip,
  userAgent: c.userAgent,
  browser: describeBrowser(c.userAgent),
});

function signedRequest(request: FastifyRequest): SignedRequest {
  const header = (name: string) => {
    const value = request.headers[name];
    return typeof value === 'string' ? value : '';
  };
  const timestamp = header(TIMESTAMP_HEADER);
  return {
    method: request.method,
    path: request.url,
    timestamp: /^\d{1,16}$/.test(timestamp) ? Number(timestamp) : Number.NaN,
    nonce: header(NONCE_HEADER),
    bodySha256: bodyDigest(rawBodies.get(request) ?? ''),
    signature: header(SIGNATURE_HEADER),
  };
}

/** The first issue of a body that failed its schema, as the input.invalid answer naming the field. */
function invalid(issues: z.core.$ZodIssue[]): ApiError {
  const issue = issues[0]!;
  const field = issue.path.map(String).join('.') || undefined;
  return new ApiError(ErrorCodes.inputInvalid, `${field ?? 'body'}: ${issue.message}`, { field });
}

export async function registerAuthenticatorApi(app: FastifyInstance, deps: AuthenticatorApiDeps): Promise<void> {
  const pollMs = deps.streamPollMs ?? 1000;
  const lifetimeMs = deps.streamLifetimeMs ?? 5 * 60_000;
  const streams = new Set<ServerResponse>();
  app.addHook('preClose', async () => {
    for (const stream of streams) stream.end();
  });

  await app.register(
    async (scope) => {
      // The signature covers the body exactly as sent, so keep it before parsing.
      scope.removeContentTypeParser('application/json');
      scope.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 16_384 }, (request, body, done) => {
        const text = typeof body === 'string' ? body : body.toString('utf8');
        rawBodies.set(request, text);
        try {
          done(null, text === '' ? {} : (JSON.parse(text) as unknown));
        } catch {
          done(new ApiError(ErrorCodes.inputInvalid, 'the body is not valid JSON'), undefined);
        }
      });
      scope.addHook('onSend', async (_request, reply) => {
        reply.header('cache-control', 'no-store');
      });

      /** The device behind a signed request; throws the refusal when there is none. */
      const device = async (request: FastifyRequest): Promise<AuthenticatorDevice> => {
        const deviceId = request.headers[DEVICE_HEADER];
        const checked = await authenticateDevice(deps.push, typeof deviceId === 'string' ? deviceId : '', signedRequest(request));
        if (checked.ok) return checked.device;
        if (checked.reason === 'stale') {
          throw new ApiError(ErrorCodes.deviceRequestStale, "the request's timestamp is too far from the server's time; check the device clock");
        }
        if (checked.reason === 'replayed') {
          throw new ApiError(ErrorCodes.deviceRequestReplayed, 'this signed request was already received; sign each request with a new nonce');
        }
        throw new ApiError(
          ErrorCodes.deviceUnauthenticated,
          `sign the request with an enrolled device key (headers ${DEVICE_HEADER}, ${TIMESTAMP_HEADER}, ${NONCE_HEADER}, ${SIGNATURE_HEADER})`,
        );
      };

      scope.post('/devices', async (request, reply) => {
        const parsed = EnrolDeviceBody.safeParse(request.body);
        if (!parsed.success) throw invalid(parsed.error.issues);
        const result = await enrolDevice(
          deps.push,
          parsed.data.token,
          { name: parsed.data.name, publicKeyJwk: parsed.data.publicKeyJwk },
          signedRequest(request),
          request.ip,
        );
        if (!result.ok) throw new ApiError(result.error, result.message, { field: result.field });
        const user = await deps.push.users.findById(result.value.device.userId);
        return reply
          .code(201)
          .send({ deviceId: result.value.device.id, name: result.value.device.name, account: user?.username ?? user?.email ?? '' });
      });

      scope.get('/challenges', async (request, reply) => {
        const found = await device(request);
        return { challenges: (await pendingChallenges(deps.push, found.id)).map(toDeviceChallenge) };
      });

      scope.post<{ Params: { id: string } }>('/challenges/:id', async (request, reply) => {
        const found = await device(request);
        const parsed = AnswerChallengeBody.safeParse(request.body);
        if (!parsed.success) throw invalid(parsed.error.issues);
        const result = await answerChallenge(deps.push, found.id, request.params.id, parsed.data, request.ip);
        const extra = result.pausedUntil === undefined ? {} : { pausedUntil: result.pausedUntil };
        if (result.outcome === 'approved' || result.outcome === 'denied' || result.outcome === 'reported') {
          return { outcome: result.outcome, ...extra };
        }
        const [error, message] = ANSWER_ERRORS[result.outcome];
        throw new ApiError(error, message, { details: extra });
      });

      // The person removed the account from the phone: TechPass forgets the phone's key too.
      scope.delete('/devices/me', async (request, reply) => {
        const found = await device(request);
        await removeOwnDevice(deps.push, found, request.ip);
        return reply.code(204).send();
      });

      // Web Push: the key to subscribe with, and the device's subscription.
      scope.get('/web-push', async () => {
        if (!deps.push.webPush) throw new ApiError(ErrorCodes.webPushNotConfigured, 'Web Push is not configured on this TechPass');
        return { publicKey: deps.push.webPush.publicKey };
      });

      scope.put('/devices/me/web-push', async (request, reply) => {
        const found = await device(request);
        const parsed = WebPushSubscriptionBody.safeParse(request.body);
        if (!parsed.success) throw invalid(parsed.error.issues);
        const result = await subscribeWebPush(deps.push, found, parsed.data, deps.allowPrivateEndpoints ?? false);
        if (!result.ok) {
          // A well-formed endpoint TechPass will not call (private address, plain http) has
          // answered 422 since release, not input.invalid's 400: kept until the flow gives it a code of its own.
          const status = result.error === ErrorCodes.inputInvalid ? 422 : undefined;
          throw new ApiError(result.error, result.message, { field: result.field, status });
        }
        return reply.code(204).send();
      });

      scope.delete('/devices/me/web-push', async (request, reply) => {
        const found = await device(request);
        await deps.push.push.setWebPush(found.id, null);
        return reply.code(204).send();
      });

      scope.get('/stream', async (request, reply) => {
        const found = await device(request);
        reply.hijack();
        const raw = reply.raw;
        raw.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        raw.write('retry: 2000\n\n');
        streams.add(raw);
        const sent = new Set<string>();
        let beats = 0;
        let closed = false;
        const tick = async () => {
          // The device is already known: one indexed query per tick.
          const waiting = await deps.push.push.pendingChallenges(found.userId);
          for (const challenge of waiting) {
            if (sent.has(challenge.id)) continue;
            sent.add(challenge.id);
            raw.write(`event: challenge\nid: ${challenge.id}\ndata: ${JSON.stringify(toDeviceChallenge(challenge))}\n\n`);
          }
          // Challenges answered, expired or withdrawn elsewhere leave the device's list.
          const live = new Set(waiting.map((c) => c.id));
          for (const id of sent) {
            if (live.has(id)) continue;
            sent.delete(id);
            raw.write(`event: closed\ndata: ${JSON.stringify({ id })}\n\n`);
          }
          beats += 1;
          if (beats % 15 === 0) raw.write(': keep-alive\n\n');
        };
        // One tick at a time: a wake-up during a tick runs one more after it.
        let running: Promise<void> | null = null;
        let again = false;
        const poll = () => {
          if (closed) return;
          if (running) {
            again = true;
            return;
          }
          running = tick()
            .catch((error: unknown) => request.log.warn({ err: error }, 'authenticator stream poll failed'))
            .finally(() => {
              running = null;
              if (again) {
                again = false;
                poll();
              }
            });
        };
        const timer = setInterval(poll, pollMs);
        // Prompts created or answered on this node arrive at once; other nodes' as soon as they are told (push-deps.ts), at the latest within a poll.
        const unsubscribe = deps.push.signals?.subscribe(found.userId, poll);
        const finish = () => {
          if (closed) return;
          closed = true;
          clearInterval(timer);
          unsubscribe?.();
          clearTimeout(limit);
          streams.delete(raw);
          if (!raw.writableEnded) raw.end();
        };
        const limit = setTimeout(finish, lifetimeMs);
        request.raw.once('close', finish);
        raw.once('close', finish);
        await tick().catch(() => finish());
        return reply;
      });
    },
    { prefix: AUTHENTICATOR_API },
  );
}
