/**
 * The e-mails of a tenant request (domain/tenant-requests.ts): the platform admins are
 * told of a new one; the requester of its approval or its rejection (with the reason).
 * Branded HTML and text (messages.ts).
 */
import { brandedMail, utc, type OutgoingMail } from './messages.js';
import type { TenantRequest } from './tenant-requests.js';

type Person = { email: string; givenName: string; familyName: string; techpassId: string };
const nameOf = (p: Person) => `${p.givenName} ${p.familyName}`.trim();

export function tenantRequestedMail(to: string, request: TenantRequest, requester: Person): OutgoingMail {
  return brandedMail({
    to,
    subject: `Tenant request: ${request.name}`,
    techpassId: to,
    lines: [
      'Hello,',
      '',
      `${nameOf(requester)} (${requester.email}) asks for a TechPass tenant on ${utc(request.requestedAt)}:`,
      '',
      `Namespace: ${request.name}`,
      `Display name: ${request.displayName}`,
      ...(request.description ? [`Description: ${request.description}`] : []),
      `Justification: ${request.justification}`,
      '',
      `Approve or reject it as a platform admin: techpass tenant approve --id ${request.id}, or techpass tenant reject --id ${request.id} --reason "…".`,
    ],
  });
}

export function tenantApprovedMail(request: TenantRequest, requester: Person): OutgoingMail {
  return brandedMail({
    to: requester.email,
    subject: `Your TechPass tenant ${request.name} is ready`,
    techpassId: requester.techpassId,
    lines: [
      `Hello ${requester.givenName},`,
      '',
      `Your request for the tenant ${request.displayName} was approved. Its namespace is ${request.name}, and you are its first admin.`,
      'You can now register its applications, and add other admins to it.',
    ],
  });
}

export function tenantRejectedMail(request: TenantRequest, requester: Person, reason: string): OutgoingMail {
  return brandedMail({
    to: requester.email,
    subject: `Your TechPass tenant request for ${request.name} was not approved`,
    techpassId: requester.techpassId,
    lines: [
      `Hello ${requester.givenName},`,
      '',
      `Your request for the tenant ${request.displayName} (namespace ${request.name}), sent on ${utc(request.requestedAt)}, was rejected.`,
      '',
      `Reason: ${reason}`,
      '',
      'You may send a new request that addresses it.',
    ],
  });
}
