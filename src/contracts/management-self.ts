/**
 * The management API's self-service bodies (issue 20's My Account › Security): the
 * caller's own signed-in sessions (`/api/v1/me/sessions…`) and password
 * (`/api/v1/me/password`). Timestamps are milliseconds since the epoch.
 */
import { z } from 'zod';

export const OwnSessionParams = z.object({ id: z.string().min(1).max(200).describe('the session id `GET /me/sessions` answered') });

export const OwnSessionView = z
  .object({
    id: z.string(),
    signedInAt: z.number(),
    lastSeenAt: z.number().nullable().describe('when the browser last came back to TechPass with this session; null if not recorded'),
    expiresAt: z.number().nullable(),
    applications: z.array(z.object({ clientId: z.string(), name: z.string().nullable() })).describe('the applications this session signed in to'),
    ip: z.string().nullable().describe('the address the session was last used from, if recorded'),
    userAgent: z.string().nullable(),
    browser: z.string().describe('the user agent in a few words, e.g. "Chrome 131 on Windows"'),
    current: z.boolean().describe('the session the calling portal session signed in with ("this browser")'),
  })
  .meta({ id: 'OwnSession' });

export const OwnSessionList = z.object({ items: z.array(OwnSessionView) }).meta({ id: 'OwnSessionList' });

export const OwnSessionEnded = z
  .object({ current: z.boolean().describe('true when it was the session of the calling portal session, which ended with it: sign in again') })
  .meta({ id: 'OwnSessionEnded' });

export const OwnSessionsEnded = z.object({ ended: z.number() }).meta({ id: 'OwnSessionsEnded' });

export const OwnPasswordChange = z
  .object({
    current: z.string().min(1).max(1000).describe('the current password'),
    password: z.string().min(1).max(1000).describe('the new password'),
  })
  .strict()
  .meta({ id: 'OwnPasswordChange' });

export const OwnPasswordChanged = z
  .object({
    changed: z.literal(true),
    signedOut: z.literal(true).describe('every session of the account ended: sign in again with the new password'),
  })
  .meta({ id: 'OwnPasswordChanged' });
