/**
 * Managing an application after it exists: client secrets (several live at once
 * for rollover), certificates for `private_key_jwt`, its switches and URLs, and
 * who is assigned to it. Like administration.ts, each operation validates first
 * (nothing changes on bad input), then writes and audits in one transaction.
 */
import { ErrorCodes } from '../contracts/errors.js';
import { fail, ok, type Result } from '../contracts/result.js';
import { checkCertificate, type ApplicationCertificate } from '../domain/certificates.js';
import {
  checkApplicationChanges,
  MAX_SECRET_LIFETIME_DAYS,
  SECRET_LIFETIME_MS,
  type Application,
  type ApplicationChanges,
  type ApplicationSecret,
  type Namespace,
} from '../domain/directory.js';
import { parseGroupName, qualifiedGroupName } from '../domain/groups.js';
import { asApplicationId, type GroupId, type UserId } from '../domain/ids.js';
import type { Linked } from '../domain/repositories.js';
import { newSecret } from '../platform/ids.js';
import { digestSecret } from '../platform/secrets.js';
import { parseCertificatePem } from '../platform/x509.js';
import type { AdministrationDeps } from './administration.js';

const DAY_MS = 24 * 3600 * 1000;

/** Finds a namespace by name and one of its applications by client id. */
export async function findApplication(
  deps: AdministrationDeps,
  namespaceName: string,
  clientId: string,
): Promise<Result<{ namespace: Namespace; application: Application }>> {
  const namespace = await deps.namespaces.findByName(namespaceName);
  if (!namespace) return fail(ErrorCodes.namespaceNotFound, `no namespace named ${namespaceName}`, 'namespace');
  const application = await deps.forNamespace(namespace.id).applications.get(asApplicationId(clientId));
  if (!application) return fail(ErrorCodes.applicationNotFound, `namespace ${namespaceName} has no application with client id ${clientId}`, 'app');
  return ok({ namespace, application });
}

const confidentialOnly = (application: Application, what: string) =>
  application.isPublic
    ? fail(ErrorCodes.inputInvalid, `${application.name} is a public client: it authenticates with PKCE only and cannot hold ${what}`, 'app')
    : null;

export async function addApplicationSecret(
  deps: AdministrationDeps,
  actor: string,
  input: { namespace: string; clientId: string; expiresInDays?: number },
): Promise<Result<{ secret: ApplicationSecret; clientSecret: string }>> {
  const days = input.expiresInDays;
  if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > MAX_SECRET_LIFETIME_DAYS)) {
    return fail(ErrorCodes.inputInvalid, `expires-in-days must be a whole number of days from 1 to ${MAX_SECRET_LIFETIME_DAYS}`, 'expiresInDays');
  }
  const found = await findApplication(deps, input.namespace, input.clientId);
  if (!found.ok) return found;
  const { namespace, application } = found.value;
  const refused = confidentialOnly(application, 'a client secret');
  if (refused) return refused;
  const clientSecret = newSecret();
  const expiresAt = deps.clock.now() + (days === undefined ? SECRET_LIFETIME_MS : days * DAY_MS);
  return deps.transaction(async (tx) => {
    const secret = await tx
      .forNamespace(namespace.id)
      .applications.addSecret(application.id, { digest: digestSecret(clientSecret), hint: clientSecret.slice(-4), expiresAt });
    await tx.audit.append({
      actor,
      action: 'application.secret_added',
      targetType: 'application',
      targetId: application.id,
      namespaceId: namespace.id,
      data: { secretId: secret.id, hint: secret.hint, expiresAt },
    });
    return ok({ secret, clientSecret });
  });
}

export async function addApplicationCertificate(
  deps: AdministrationDeps,
  actor: string,
  input: { namespace: string; clientId: string; pem: string },
): Promise<Result<ApplicationCertificate>> {
  const found = await findApplication(deps, input.namespace, input.clientId);
  if (!found.ok) return found;
  const { namespace, application } = found.value;
  const refused = confidentialOnly(application, 'a certificate');
  if (refused) return refused;
  const parsed = parseCertificatePem(input.pem);
  if (!parsed.ok) return fail(ErrorCodes.certificateInvalid, `the certificate ${parsed.problem}`, 'pem');
  const cert = parsed.value;
  const problem = checkCertificate(cert, deps.clock.now());
  if (problem) return fail(ErrorCodes.certificateInvalid, `the certificate ${problem}`, 'pem');
  return deps.transaction(async (tx) => {
    const added = await tx.forNamespace(namespace.id).applications.addCertificate(application.id, {
      pem: cert.pem,
      x5t: cert.x5t,
      x5tS256: cert.x5tS256,
      publicJwk: cert.publicJwk,
      notBefore: cert.notBefore,
      notAfter: cert.notAfter,
    });
    if (!added.ok) return fail(ErrorCodes.certificateExists, `${application.name} already has this certificate (x5t#S256 ${cert.x5tS256})`, 'pem');
    await tx.audit.append({
      actor,
      action: 'application.certificate_added',
      targetType: 'application',
      targetId: application.id,
      namespaceId: namespace.id,
      data: { certificateId: added.value.id, subject: cert.subject, x5tS256: cert.x5tS256, notAfter: cert.notAfter },
    });
    return ok(added.value);
  });
}

export async function updateApplication(
  deps: AdministrationDeps,
  actor: string,
  input: { namespace: string; clientId: string; changes: ApplicationChanges },
): Promise<Result<Application>> {
  const changes = Object.fromEntries(Object.entries(input.changes).filter(([, v]) => v !== undefined)) as ApplicationChanges;
  if (Object.keys(changes).length === 0) return fail(ErrorCodes.inputInvalid, 'nothing to change: give at least one setting', 'changes');
  const found = await findApplication(deps, input.namespace, input.clientId);
  if (!found.ok) return found;
  const { namespace, application } = found.value;
  const problem = checkApplicationChanges(application, changes);
  if (problem) return fail(ErrorCodes.inputInvalid, `${problem.field} ${problem.message}`, problem.field);
  return deps.transaction(async (tx) => {
    const updated = await tx.forNamespace(namespace.id).applications.update(application.id, changes);
    if (!updated)
      return fail(ErrorCodes.applicationNotFound, `namespace ${input.namespace} has no application with client id ${input.clientId}`, 'app');
    await tx.audit.append({
      actor,
      action: 'application.updated',
      targetType: 'application',
      targetId: application.id,
      namespaceId: namespace.id,
      data: { changes },
    });
    return ok(updated);
  });
}

export type Assignee = { user: string } | { group: string };
/** Who was assigned: a user by id and TechPass ID, or a group by id and qualified name. */
export type AssignedTo = { type: 'user'; id: UserId; name: string } | { type: 'group'; id: GroupId; name: string };

export async function assignToApplication(
  deps: AdministrationDeps,
  actor: string,
  input: { namespace: string; clientId: string; assignee: Assignee },
): Promise<Result<{ application: Application; assignee: AssignedTo; added: boolean }>> {
  const found = await findApplication(deps, input.namespace, input.clientId);
  if (!found.ok) return found;
  const { namespace, application } = found.value;
  const scope = deps.forNamespace(namespace.id);
  let assignee: AssignedTo;
  if ('user' in input.assignee) {
    const user = await deps.users.findByLogin(input.assignee.user);
    if (!user) return fail(ErrorCodes.userNotFound, `no account with TechPass ID ${input.assignee.user}`, 'user');
    assignee = { type: 'user', id: user.id, name: user.username ?? user.email };
  } else {
    const name = parseGroupName(namespace.name, input.assignee.group);
    if (!name.ok) return fail(ErrorCodes.inputInvalid, `group ${name.problem}`, 'group');
    const group = await scope.groups.findByName(name.name);
    if (!group)
      return fail(ErrorCodes.groupNotFound, `namespace ${namespace.name} has no group ${qualifiedGroupName(namespace.name, name.name)}`, 'group');
    assignee = { type: 'group', id: group.id, name: qualifiedGroupName(namespace.name, group.name) };
  }
  return deps.transaction(async (tx) => {
    const assignments = tx.forNamespace(namespace.id).assignments;
    const linked: Linked =
      assignee.type === 'user'
        ? await assignments.assignUser(application.id, assignee.id)
        : await assignments.assignGroup(application.id, assignee.id);
    if (!linked.ok) return fail(ErrorCodes.inputInvalid, `the ${linked.missing} is no longer there`, linked.missing);
    if (linked.added) {
      await tx.audit.append({
        actor,
        action: 'application.assigned',
        targetType: 'application',
        targetId: application.id,
        namespaceId: namespace.id,
        data: { assigneeType: assignee.type, assigneeId: assignee.id, name: assignee.name },
      });
    }
    return ok({ application, assignee, added: linked.added });
  });
}
