/**
 * The management API's bodies (`/api/v1/…`): one zod schema per request and answer,
 * which the routes validate with and the OpenAPI document is made of. Timestamps are
 * milliseconds since the epoch, like the rest of TechPass' APIs.
 *
 * Errors take one shape here: `{ "error": { "code", "message", "fields"? } }`
 * (ManagementErrorBody). The authenticator API, released earlier, keeps its flat
 * ErrorBody (`{ "error": code, "message", "field"?, "correlationId" }`).
 */
import { z } from 'zod';
import { ErrorCodes } from './errors.js';

export const MANAGEMENT_API = '/api/v1';

export const ManagementErrorBody = z
  .object({
    error: z.object({
      code: z.enum(ErrorCodes),
      message: z.string(),
      /** The request fields at fault, by their names in the request (`displayName`, `redirectUris`). */
      fields: z.array(z.string()).optional(),
      correlationId: z.string().optional(),
    }),
  })
  .meta({ id: 'ManagementError' });
export type ManagementErrorBody = z.infer<typeof ManagementErrorBody>;

const id = z.string().min(1).max(200);

export const PageQuery = z.object({
  cursor: z.string().max(400).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});

/** A page of a list, filtered by `q`: a case-insensitive part of a name (or of a client id). */
export const ListQuery = PageQuery.extend({ q: z.string().max(200).optional().describe('only items whose name (or id) contains this, ignoring case') });

export const NamespaceParams = z.object({ namespace: id });
export const AdminParams = NamespaceParams.extend({ userId: id });
export const ApplicationParams = NamespaceParams.extend({ clientId: id });
export const SecretParams = ApplicationParams.extend({ secretId: id });

/** If-Match: the ETag of the version the caller read (required on updates). */
export const IfMatchHeaders = z.looseObject({ 'if-match': z.string().max(200).optional() });

export const Me = z
  .object({
    userId: z.string(),
    email: z.string(),
    role: z.enum(['platform_admin', 'tenant_admin', 'user']),
    adminOf: z.array(z.string()).describe('names of the namespaces the caller administers'),
  })
  .meta({ id: 'Me' });

export const NamespaceView = z
  .object({
    id: z.string(),
    name: z.string(),
    displayName: z.string(),
    description: z.string(),
    /** The directory its people and groups belong to. */
    directoryId: z.string(),
    createdAt: z.number(),
  })
  .meta({ id: 'Namespace' });

export const NamespacePage = z.object({ items: z.array(NamespaceView), nextCursor: z.string().nullable() }).meta({ id: 'NamespacePage' });

export const NamespaceUpdate = z
  .strictObject({
    displayName: z.string().max(100).optional(),
    description: z.string().max(1000).optional(),
  })
  .meta({ id: 'NamespaceUpdate' });

export const AdminView = z
  .object({ userId: z.string(), email: z.string(), givenName: z.string(), familyName: z.string(), since: z.number() })
  .meta({ id: 'NamespaceAdmin' });
export const AdminList = z.object({ items: z.array(AdminView) }).meta({ id: 'NamespaceAdminList' });
export const AdminAdd = z.strictObject({ email: z.string().min(3).max(320) }).meta({ id: 'NamespaceAdminAdd' });

export const ApplicationView = z
  .object({
    clientId: z.string(),
    namespace: z.string(),
    name: z.string(),
    homepageUrl: z.string().nullable(),
    logoutUrl: z.string().nullable(),
    redirectUris: z.array(z.string()),
    public: z.boolean(),
    signInEnabled: z.boolean(),
    assignmentRequired: z.boolean(),
    implicitGrant: z.boolean(),
    backchannelLogoutUri: z.string().nullable(),
    termsVersion: z.number(),
    managementApi: z.boolean(),
    owners: z
      .array(z.object({ userId: z.string(), email: z.string() }).meta({ id: 'ApplicationOwner' }))
      .describe('the people responsible for the application, by e-mail'),
    createdAt: z.number(),
    updatedAt: z.number(),
  })
  .meta({ id: 'Application' });

export const ApplicationPage = z.object({ items: z.array(ApplicationView), nextCursor: z.string().nullable() }).meta({ id: 'ApplicationPage' });

const url = z.string().max(2000);
export const ApplicationUpdate = z
  .strictObject({
    name: z.string().max(100).optional(),
    homepageUrl: url.nullable().optional(),
    logoutUrl: url.nullable().optional(),
    redirectUris: z.array(url).max(50).optional(),
    signInEnabled: z.boolean().optional(),
    assignmentRequired: z.boolean().optional(),
    implicitGrant: z.boolean().optional(),
    backchannelLogoutUri: url.nullable().optional(),
    termsVersion: z.number().int().optional(),
    managementApi: z.boolean().optional().describe('platform admins only'),
    owners: z
      .array(z.string().max(320))
      .max(20)
      .optional()
      .describe("the owners' e-mails (TechPass users); replaces the list, [] removes every owner"),
  })
  .meta({ id: 'ApplicationUpdate' });

export const ApplicationCreate = z
  .strictObject({
    name: z.string().max(100),
    redirectUris: z.array(url).max(50),
    public: z.boolean().describe('a public client (PKCE, no secret); a confidential one gets its first secret'),
    homepageUrl: url.optional(),
    logoutUrl: url.optional(),
  })
  .meta({ id: 'ApplicationCreate' });
export const ApplicationCreated = ApplicationView.extend({
  clientSecret: z.string().nullable().describe("a confidential client's first secret, shown this once; null for a public client"),
  secretExpiresAt: z.number().nullable(),
}).meta({ id: 'ApplicationCreated' });

export const SecretView = z
  .object({
    id: z.string(),
    name: z.string(),
    hint: z.string().describe('the last four characters of the value'),
    createdAt: z.number(),
    expiresAt: z.number(),
    lastUsedAt: z.number().nullable(),
  })
  .meta({ id: 'ClientSecret' });
export const SecretList = z.object({ items: z.array(SecretView) }).meta({ id: 'ClientSecretList' });
export const SecretAdd = z.strictObject({ name: z.string().max(100), expiresInDays: z.number().int().optional() }).meta({ id: 'ClientSecretAdd' });
export const SecretCreated = SecretView.extend({ value: z.string().describe('shown this once; TechPass keeps only a digest') }).meta({
  id: 'ClientSecretCreated',
});
