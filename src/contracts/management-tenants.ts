/**
 * The management API's tenant request bodies (`/api/v1/tenant-requests`), in the shape
 * of management.ts: one zod schema per request and answer; timestamps in milliseconds.
 */
import { z } from 'zod';
import { PageQuery } from './management.js';

const STATUSES = ['pending', 'approved', 'rejected', 'withdrawn'] as const;

export const TenantRequestParams = z.object({ id: z.string().min(1).max(200) });

export const TenantRequestQuery = PageQuery.extend({
  status: z.enum(STATUSES).optional().describe('only requests in this state'),
});

export const TenantRequestCreate = z
  .strictObject({
    name: z.string().max(100).describe('the namespace name asked for: 3–40 lower-case letters, digits or dashes, starting with a letter'),
    displayName: z.string().max(200),
    description: z.string().max(2000).optional(),
    justification: z.string().max(4000).describe('what the service is and why it needs TechPass'),
  })
  .meta({ id: 'TenantRequestCreate' });

export const TenantRequestReject = z
  .strictObject({ reason: z.string().max(2000).describe('told to the requester') })
  .meta({ id: 'TenantRequestReject' });

export const TenantRequestView = z
  .object({
    id: z.string(),
    name: z.string().describe('the namespace name asked for'),
    displayName: z.string(),
    description: z.string(),
    justification: z.string(),
    status: z.enum(STATUSES),
    requester: z.object({ userId: z.string(), email: z.string() }),
    requestedAt: z.number(),
    decidedBy: z.string().nullable().describe('who approved, rejected or withdrew it'),
    decidedAt: z.number().nullable(),
    reason: z.string().nullable().describe('why it was rejected'),
    namespace: z.string().nullable().describe('the namespace its approval created (while it exists)'),
  })
  .meta({ id: 'TenantRequest' });

export const TenantRequestPage = z.object({ items: z.array(TenantRequestView), nextCursor: z.string().nullable() }).meta({ id: 'TenantRequestPage' });
