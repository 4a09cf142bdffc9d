/**
 * The management API's self-service bodies for one's own second factors
 * (`/api/v1/me/factor-enrolments…`; removal is `DELETE /users/{self}/factors/{id}`).
 */
import { z } from 'zod';

export const EnrolmentStart = z
  .strictObject({ method: z.enum(['totp', 'passkey', 'authenticator']).describe('an authenticator app, a passkey, or the TechPass Authenticator') })
  .meta({ id: 'FactorEnrolmentStart' });

export const EnrolmentParams = z.object({ enrolmentId: z.string().min(1).max(100) });

export const EnrolmentStarted = z
  .object({
    id: z.string(),
    method: z.enum(['totp', 'passkey', 'authenticator']),
    expiresAt: z.number(),
    totp: z.object({ secret: z.string(), uri: z.string(), qrSvg: z.string() }).optional().describe('shown once: scan it or type the secret'),
    passkey: z.object({ options: z.unknown() }).optional().describe('for navigator.credentials.create (PublicKeyCredentialCreationOptionsJSON)'),
    authenticator: z.object({ link: z.string(), qrSvg: z.string() }).optional().describe('the one-time link the phone opens'),
  })
  .meta({ id: 'FactorEnrolment' });

export const EnrolmentStatus = z
  .object({ id: z.string(), method: z.enum(['totp', 'passkey', 'authenticator']), ready: z.boolean(), expiresAt: z.number() })
  .meta({ id: 'FactorEnrolmentStatus' });

export const EnrolmentComplete = z
  .strictObject({
    code: z.string().max(20).optional().describe('totp: the code the app shows now'),
    response: z.unknown().optional().describe('passkey: the registration response (RegistrationResponseJSON)'),
    label: z.string().max(60).optional().describe('a name for the factor'),
  })
  .meta({ id: 'FactorEnrolmentComplete' });
