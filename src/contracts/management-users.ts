/**
 * The management API's account bodies (`/api/v1/users…`, `/api/v1/me/profile`), the
 * vendors of a namespace and invitations: one zod schema per request and answer (see
 * management.ts). Timestamps are milliseconds since the epoch.
 */
import { z } from 'zod';
import { NamespaceParams, PageQuery } from './management.js';

const id = z.string().min(1).max(200);
const STATUSES = ['pending', 'active', 'disabled', 'terminated', 'under_investigation', 'high_risk'] as const;
const TYPES = ['officer', 'vendor', 'temp', 'product', 'other'] as const;

export const UserParams = z.object({ userId: id });
export const FactorParams = UserParams.extend({ factorId: id });

export const UserQuery = PageQuery.extend({
  q: z.string().max(200).optional().describe('part of an e-mail, username, name or mobile number, or a whole user id'),
  status: z.enum(STATUSES).optional(),
  type: z.enum(TYPES).optional(),
});

/** What a tenant admin sees of an account found by a search (to add admins and members). */
export const UserSummary = z
  .object({ id: z.string(), email: z.string(), givenName: z.string(), familyName: z.string(), status: z.enum(STATUSES) })
  .meta({ id: 'UserSummary' });

export const UserView = UserSummary.extend({
  username: z.string().nullable(),
  techpassId: z.string(),
  type: z.enum(TYPES),
  platformAdmin: z.boolean(),
  locked: z.boolean(),
  lockedAt: z.number().nullable(),
  mobile: z.string().nullable(),
  agency: z.string().nullable().describe('from the integrated identity provider; read-only'),
  department: z.string().nullable(),
  businessOperation: z.enum(['onshore', 'offshore']).nullable(),
  reportingOfficerEmail: z.string().nullable(),
  companyAddress: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
  lastSignInAt: z.number().nullable(),
}).meta({ id: 'User' });

export const UserPage = z
  .object({
    items: z.array(z.union([UserView, UserSummary])).describe('platform admins get whole accounts, tenant admins summaries'),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'UserPage' });

const text = (max: number) => z.string().max(max);
export const UserUpdate = z
  .strictObject({
    email: text(254).optional().describe('platform admins only; unique across TechPass (e-mails, usernames, mobiles)'),
    givenName: text(100).optional(),
    familyName: text(100).optional(),
    mobile: text(40).nullable().optional().describe('with its country code; unique across TechPass'),
    department: text(100).nullable().optional(),
    businessOperation: z.enum(['onshore', 'offshore']).nullable().optional(),
    reportingOfficerEmail: text(254).nullable().optional().describe('required for offshore users'),
    companyAddress: text(300).nullable().optional().describe('required for offshore users'),
    agency: z.unknown().optional().describe('read-only (the integrated identity provider is its source): refused'),
  })
  .meta({ id: 'UserUpdate' });

export const StatusReason = z.strictObject({ reason: z.string().max(500).describe('kept in the audit log') }).meta({ id: 'UserStatusReason' });
export const OptionalReason = z.strictObject({ reason: z.string().max(500).optional() }).meta({ id: 'UserOptionalReason' });

export const SessionsEnded = z
  .object({ userId: z.string(), sessions: z.number(), grants: z.number(), logouts: z.number() })
  .meta({ id: 'UserSessionsEnded' });

export const MfaResetView = z
  .object({
    userId: z.string(),
    techpassId: z.string(),
    removed: z
      .object({ authenticators: z.number(), totp: z.number(), passkeys: z.number() })
      .describe('how many of each kind of second factor were removed'),
  })
  .meta({ id: 'UserMfaReset' });

export const FactorView = z
  .object({
    id: z.string(),
    type: z.enum(['totp', 'passkey', 'authenticator']),
    label: z.string(),
    createdAt: z.number(),
    lastUsedAt: z.number().nullable(),
  })
  .meta({ id: 'UserFactor' });
export const FactorList = z.object({ items: z.array(FactorView) }).meta({ id: 'UserFactorList' });

export const VendorCreate = z
  .strictObject({
    email: text(254),
    username: text(200).describe('name or name@<LOCAL_ID_DOMAIN>, unique across TechPass'),
    mobile: text(40).describe('the activation code goes there by SMS'),
    givenName: text(100).optional().describe('read from a first_last username when absent'),
    familyName: text(100).optional(),
  })
  .meta({ id: 'VendorCreate' });

export const VendorView = z
  .object({
    id: z.string(),
    techpassId: z.string(),
    email: z.string(),
    mobile: z.string().nullable(),
    givenName: z.string(),
    familyName: z.string(),
    status: z.enum(STATUSES),
    activationCode: z.string().describe('the activation code’s state, never the code'),
    activationCodeExpiresAt: z.number().nullable(),
    createdBy: z.string(),
    createdAt: z.number(),
  })
  .meta({ id: 'Vendor' });
export const VendorList = z.object({ items: z.array(VendorView) }).meta({ id: 'VendorList' });
export const VendorParams = NamespaceParams;

export const InvitationCreate = z.strictObject({ email: text(254) }).meta({ id: 'InvitationCreate' });
export const InvitationSentView = z
  .object({
    status: z.enum(['pending', 'active']),
    expiresAt: z.number().describe('when the e-mailed link stops working'),
  })
  .meta({ id: 'InvitationSent' });
