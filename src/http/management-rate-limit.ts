/**
 * Rate limiting of the management API (`/api/v1`): at most `perMinute` requests per
 * caller (a person, by account) in a fixed one-minute window, and as many per client
 * address for requests that authenticate as nobody. Over the limit: 429 with the API's
 * error shape (`request.throttled`) and `Retry-After`, the seconds until the window
 * ends.
 *
 * The counts are the store's rate limits (the `rate_limits` table, as sign-in
 * throttling uses), so every node of a deployment shares them: the limit holds across
 * nodes, not per node. The CLI's in-process API (the operator) is never counted.
 */
import type { FastifyReply } from 'fastify';
import { ApiError, ErrorCodes } from '../contracts/errors.js';
import type { Clock } from '../platform/clock.js';

export interface ApiRateLimit {
  /** API_RATE_LIMIT_PER_MINUTE; 0 turns the limit off. */
  perMinute: number;
  /** The store's rate limits: counts a hit on `key` in a fixed window, answers the count in it. */
  limiter: { hit(key: string, windowMs: number): Promise<number> };
  clock: Clock;
}

const WINDOW_MS = 60_000;

/** Counts one request on `key`; throws `request.throttled` (with Retry-After on `reply`) when over the limit. */
export async function throttle(limit: ApiRateLimit, key: string, reply: FastifyReply): Promise<void> {
  if (limit.perMinute <= 0) return;
  const count = await limit.limiter.hit(`api:${key}`, WINDOW_MS);
  if (count <= limit.perMinute) return;
  const now = limit.clock.now();
  const retryAfter = Math.max(1, Math.ceil((Math.floor(now / WINDOW_MS) * WINDOW_MS + WINDOW_MS - now) / 1000));
  reply.header('retry-after', String(retryAfter));
  throw new ApiError(ErrorCodes.throttled, `too many requests: at most ${limit.perMinute} a minute; retry in ${retryAfter} s`);
}
