/**
 * An application's certificates (for `private_key_jwt`) through the management API:
 * list (thumbprints, subject, validity), upload (the rules of `app cert add`:
 * domain/certificates.ts), remove. Authorized by domain/authorization-groups.ts,
 * audited with before and after (the public certificate's facts; no key is ever held).
 *
 * A removed certificate is deleted: this node's client cache hears of it at once (the
 * repository's onChange), other nodes within KEY_REFRESH_SECONDS (directory-cache.ts),
 * as for a revoked secret; assertions signed by its key are refused from then on.
 */
import { ErrorCodes } from '../contracts/errors.js';
import { fail, ok, type Result } from '../contracts/result.js';
import { auditActor, auditContext, type Caller } from '../domain/authorization.js';
import { mayAddCertificate, mayListCertificates, mayRemoveCertificate } from '../domain/authorization-groups.js';
import { checkCertificate, type ApplicationCertificate } from '../domain/certificates.js';
import { parseCertificatePem } from '../platform/x509.js';
import type { AdministrationDeps } from './administration.js';
import { authorizedApplicationOf } from './assignment-management.js';

/** A certificate as listed: its facts and its subject (read again from the stored PEM). */
export interface CertificateListing extends ApplicationCertificate {
  subject: string;
}

const withSubject = (c: ApplicationCertificate): CertificateListing => {
  const parsed = parseCertificatePem(c.pem);
  return { ...c, subject: parsed.ok ? parsed.value.subject : '' };
};

const auditView = (c: CertificateListing) => ({
  certificateId: c.id,
  subject: c.subject,
  x5tS256: c.x5tS256,
  notBefore: c.notBefore,
  notAfter: c.notAfter,
});

export async function listCertificates(
  deps: AdministrationDeps,
  caller: Caller,
  input: { namespace: string; clientId: string },
): Promise<Result<CertificateListing[]>> {
  const found = await authorizedApplicationOf(deps, caller, input, mayListCertificates);
  if (!found.ok) return found;
  const { namespace, application } = found.value;
  return ok((await deps.forNamespace(namespace.id).applications.listCertificates(application.id)).map(withSubject));
}

/** Uploads a public certificate (PEM): refused when it holds a private key, is expired, or has a key we cannot verify with. */
export async function addCertificate(
  deps: AdministrationDeps,
  caller: Caller,
  input: { namespace: string; clientId: string; pem: string },
): Promise<Result<CertificateListing>> {
  const found = await authorizedApplicationOf(deps, caller, input, mayAddCertificate);
  if (!found.ok) return found;
  const { namespace, application } = found.value;
  if (application.isPublic) {
    return fail(
      ErrorCodes.inputInvalid,
      `${application.name} is a public client: it authenticates with PKCE only and cannot hold a certificate`,
      'clientId',
    );
  }
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
    const listing = { ...added.value, subject: cert.subject };
    await tx.audit.append({
      actor: auditActor(caller),
      action: 'application.certificate_added',
      targetType: 'application',
      targetId: application.id,
      namespaceId: namespace.id,
      data: { ...auditContext(caller), before: null, after: auditView(listing) },
    });
    return ok(listing);
  });
}

/** Removes a certificate: its key authenticates nothing from now on (every node within KEY_REFRESH_SECONDS). */
export async function removeCertificate(
  deps: AdministrationDeps,
  caller: Caller,
  input: { namespace: string; clientId: string; certificateId: string },
): Promise<Result<CertificateListing>> {
  const found = await authorizedApplicationOf(deps, caller, input, mayRemoveCertificate);
  if (!found.ok) return found;
  const { namespace, application } = found.value;
  return deps.transaction(async (tx) => {
    const applications = tx.forNamespace(namespace.id).applications;
    const before = (await applications.listCertificates(application.id)).find((c) => c.id === input.certificateId);
    if (!before || !(await applications.removeCertificate(application.id, before.id))) {
      return fail(ErrorCodes.certificateNotFound, `${application.name} has no certificate ${input.certificateId}`, 'certificateId');
    }
    const listing = withSubject(before);
    await tx.audit.append({
      actor: auditActor(caller),
      action: 'application.certificate_removed',
      targetType: 'application',
      targetId: application.id,
      namespaceId: namespace.id,
      data: { ...auditContext(caller), before: auditView(listing), after: null },
    });
    return ok(listing);
  });
}
