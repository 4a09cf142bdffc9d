/**
 * The device API of the TechPass Authenticator (`/api/v1/authenticator/…`):
 * registration with a one-time enrolment link, the challenges waiting for the
 * device (never their number), a live stream of them (server-sent events,
 * polling the database each second, so it works whichever node created the
 * challenge) and the signed answers. Every request but the registration is
 * authenticated by the device's signature (see src/contracts/authenticator.ts);
 * the registration is signed with the key it registers.
 */
import type { FastifyInstance, FastifyRequest, FastifySchemaValidationError } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
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
  type EnrolDeviceAnswer,
} from '../contracts/authenticator.js';
import { ApiError, ErrorCodes, type ErrorCode } from '../contracts/errors.js';
import type { Result } from '../contracts/result.js';
import type { AuthenticatorDevice } from '../domain/push.js';
import {
  answerChallenge,
  authenticateDevice,
  enrolDevice,
  followChallenges,
  pendingChallenges,
  removeOwnDevice,
  subscribeWebPush,
  unsubscribeWebPush,
  webPushKey,
  type AnswerOutcome,
  type AuthenticatorDeps,
  type PendingChallenge,
  type SignedRequest,
} from '../flows/authenticator.js';
import { bodyDigest } from '../platform/device-keys.js';
import { describeBrowser } from '../platform/user-agent.js';

export interface AuthenticatorApiDeps {
  push: AuthenticatorDeps;
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
/** The device behind each authenticated request, set by the `preValidation` check. */
const devices = new WeakMap<FastifyRequest, AuthenticatorDevice>();

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

/** A body that failed its schema answers input.invalid, naming the field of the first issue. */
function invalidBody(errors: FastifySchemaValidationError[]): ApiError {
  const issue = errors[0]!;
  const field = issue.instancePath.split('/').filter(Boolean).join('.') || undefined;
  return new ApiError(ErrorCodes.inputInvalid, `${field ?? 'body'}: ${issue.message ?? 'invalid'}`, { field });
}

/** A flow's refusal, as the error the one handler answers with. */
function refused<T>(result: Result<T>): T {
  if (!result.ok) throw new ApiError(result.error, result.message, { field: result.field });
  return result.value;
}

/** Runs before the body is validated, so an unsigned request is refused as such whatever its body. */
async function requireDevice(this: AuthenticatorApiDeps, request: FastifyRequest): Promise<void> {
  const deviceId = request.headers[DEVICE_HEADER];
  const checked = await authenticateDevice(this.push, typeof deviceId === 'string' ? deviceId : '', signedRequest(request));
  if (checked.ok) {
    devices.set(request, checked.device);
    return;
  }
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
}

/** The device `requireDevice` found for this request. */
function deviceOf(request: FastifyRequest): AuthenticatorDevice {
  const device = devices.get(request);
  if (!device) throw new Error('route without the device check');
  return device;
}

export async function registerAuthenticatorApi(app: FastifyInstance, deps: AuthenticatorApiDeps): Promise<void> {
  const pollMs = deps.streamPollMs ?? 1000;
  const lifetimeMs = deps.streamLifetimeMs ?? 5 * 60_000;
  const streams = new Set<ServerResponse>();
  app.addHook('preClose', async () => {
    for (const stream of streams) stream.end();
  });
  const signed = { preValidation: requireDevice.bind(deps) };

  await app.register(
    async (plain) => {
      const scope = plain.withTypeProvider<ZodTypeProvider>();
      scope.setValidatorCompiler(validatorCompiler);
      scope.setSerializerCompiler(serializerCompiler);
      scope.setSchemaErrorFormatter((errors) => invalidBody(errors));
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

      // Registration: signed with the key it registers, which the flow checks.
      scope.post('/devices', { schema: { body: EnrolDeviceBody } }, async (request, reply) => {
        const { token, name, publicKeyJwk } = request.body;
        const { device, account } = refused(await enrolDevice(deps.push, token, { name, publicKeyJwk }, signedRequest(request), request.ip));
        const answer: EnrolDeviceAnswer = { deviceId: device.id, name: device.name, account };
        return reply.code(201).send(answer);
      });

      scope.get('/challenges', signed, async (request) => ({
        challenges: (await pendingChallenges(deps.push, deviceOf(request))).map(toDeviceChallenge),
      }));

      scope.post('/challenges/:id', { ...signed, schema: { params: z.object({ id: z.string() }), body: AnswerChallengeBody } }, async (request) => {
        const result = await answerChallenge(deps.push, deviceOf(request).id, request.params.id, request.body, request.ip);
        const extra = result.pausedUntil === undefined ? {} : { pausedUntil: result.pausedUntil };
        if (result.outcome === 'approved' || result.outcome === 'denied' || result.outcome === 'reported') {
          return { outcome: result.outcome, ...extra };
        }
        const [error, message] = ANSWER_ERRORS[result.outcome];
        throw new ApiError(error, message, { details: extra });
      });

      // The person removed the account from the phone: TechPass forgets the phone's key too.
      scope.delete('/devices/me', signed, async (request, reply) => {
        await removeOwnDevice(deps.push, deviceOf(request), request.ip);
        return reply.code(204).send();
      });

      // Web Push: the key to subscribe with, and the device's subscription.
      scope.get('/web-push', async () => refused(webPushKey(deps.push)));

      scope.put('/devices/me/web-push', { ...signed, schema: { body: WebPushSubscriptionBody } }, async (request, reply) => {
        const result = await subscribeWebPush(deps.push, deviceOf(request), request.body, deps.allowPrivateEndpoints ?? false);
        if (!result.ok) throw new ApiError(result.error, result.message, { field: result.field });
        return reply.code(204).send();
      });

      scope.delete('/devices/me/web-push', signed, async (request, reply) => {
        await unsubscribeWebPush(deps.push, deviceOf(request), request.ip);
        return reply.code(204).send();
      });

      scope.get('/stream', signed, async (request, reply) => {
        const found = deviceOf(request);
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
        let beats = 0;
        // Prompts created or answered on this node arrive at once; other nodes' as soon as they are told, at the latest within a poll.
        const following = followChallenges(deps.push, found, pollMs, {
          opened: (challenge) => raw.write(`event: challenge\nid: ${challenge.id}\ndata: ${JSON.stringify(toDeviceChallenge(challenge))}\n\n`),
          closed: (id) => raw.write(`event: closed\ndata: ${JSON.stringify({ id })}\n\n`),
          looked: () => {
            beats += 1;
            if (beats % 15 === 0) raw.write(': keep-alive\n\n');
          },
          failed: (error) => request.log.warn({ err: error }, 'authenticator stream poll failed'),
        });
        let closed = false;
        const finish = () => {
          if (closed) return;
          closed = true;
          following.stop();
          clearTimeout(limit);
          streams.delete(raw);
          if (!raw.writableEnded) raw.end();
        };
        const limit = setTimeout(finish, lifetimeMs);
        request.raw.once('close', finish);
        raw.once('close', finish);
        await following.first.catch(() => finish());
        return reply;
      });
    },
    { prefix: AUTHENTICATOR_API },
  );
}
