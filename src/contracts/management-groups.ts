/**
 * The management API's bodies for groups, their members, the assignments of an
 * application and its certificates (see management.ts for the conventions:
 * timestamps in milliseconds, one error shape).
 */
import { z } from 'zod';
import { ApplicationParams, NamespaceParams, PageQuery } from './management.js';

const id = z.string().min(1).max(200);

export const GroupParams = NamespaceParams.extend({ group: id.describe('the group: its short name, `<namespace>:<name>`, or its id') });
export const GroupPageQuery = PageQuery.extend({ q: z.string().max(100).optional().describe('only groups whose name or description contains this') });

/** People (`users`, by user id or e-mail) or groups (`groups`, by name or id). */
const Kind = z.enum(['users', 'groups']);
export const MemberParams = GroupParams.extend({ kind: Kind, id });
export const AssignmentParams = ApplicationParams.extend({ kind: Kind, id });
export const CertificateParams = ApplicationParams.extend({ certificateId: id });

export const GroupView = z
  .object({
    id: z.string(),
    namespace: z.string(),
    name: z.string().describe('the short name, unique in the namespace'),
    qualifiedName: z.string().describe('`<namespace>:<name>`, as applications see it in the `groups` claim'),
    description: z.string(),
    createdAt: z.number(),
  })
  .meta({ id: 'Group' });
export const GroupPage = z.object({ items: z.array(GroupView), nextCursor: z.string().nullable() }).meta({ id: 'GroupPage' });

export const GroupCreate = z
  .strictObject({
    name: z.string().max(200).describe('lower-case letters, digits, dots, dashes, underscores; at most 63'),
    description: z.string().max(1000).optional().describe('at most 500 characters'),
  })
  .meta({ id: 'GroupCreate' });

export const GroupUpdate = z
  .strictObject({
    name: z.string().max(200).optional(),
    description: z.string().max(1000).optional(),
  })
  .meta({ id: 'GroupUpdate' });

/** A group's member, or an application's assignee: a person or a group. */
export const MemberView = z
  .object({
    type: z.enum(['user', 'group']),
    id: z.string().describe("the user's or the group's id"),
    name: z.string().describe("a person's given and family name; a group's `<namespace>:<name>`"),
    email: z.string().nullable().describe("a person's e-mail; null for a group"),
    since: z.number(),
  })
  .meta({ id: 'DirectoryMember' });
export const MemberList = z.object({ items: z.array(MemberView) }).meta({ id: 'DirectoryMemberList' });

/** Exactly one of: a person by `email` or `userId`, or a group of the namespace by name. */
export const MemberAdd = z
  .strictObject({
    email: z.string().min(1).max(320).optional(),
    userId: id.optional(),
    group: id.optional().describe('a group of the same namespace (nested inside, or assigned)'),
  })
  .meta({ id: 'DirectoryMemberAdd' });

export const CertificateView = z
  .object({
    id: z.string(),
    x5tS256: z.string().describe('base64url SHA-256 of the DER: the JOSE `x5t#S256` (and `kid`) naming it'),
    x5t: z.string().describe('base64url SHA-1 of the DER: the JOSE `x5t`'),
    subject: z.string(),
    notBefore: z.number(),
    expiresAt: z.number(),
    createdAt: z.number(),
  })
  .meta({ id: 'Certificate' });
export const CertificateList = z.object({ items: z.array(CertificateView) }).meta({ id: 'CertificateList' });
export const CertificateAdd = z
  .strictObject({ pem: z.string().min(1).max(20_000).describe('the public X.509 certificate, PEM-encoded (never the private key)') })
  .meta({ id: 'CertificateAdd' });
