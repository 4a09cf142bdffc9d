/**
 * TechPass' own applications, in the platform namespace `techpass`: the portal (a
 * public client with PKCE, its only redirect URI `<issuer>/portal/callback`). Made the
 * first time they are needed, and brought in line with PUBLIC_URL when it changes;
 * every change is audited as `system:platform`. Two nodes making it at once: one
 * creates, the other finds it (the namespace and the application names are unique).
 */
import { ErrorCodes } from '../contracts/errors.js';
import { fail, ok, type Result } from '../contracts/result.js';
import type { Application } from '../domain/directory.js';
import { createApplication, createNamespace, type AdministrationDeps } from './administration.js';
import { updateApplication } from './applications.js';
import { portalRedirectUri, portalSignedOutUri, PORTAL_PATH } from './portal-session.js';

export const PLATFORM_NAMESPACE = 'techpass';
export const PORTAL_APPLICATION = 'TechPass portal';
const ACTOR = 'system:platform';

async function platformNamespace(deps: AdministrationDeps) {
  const found = await deps.namespaces.findByName(PLATFORM_NAMESPACE);
  if (found) return ok(found);
  const created = await createNamespace(deps, ACTOR, {
    name: PLATFORM_NAMESPACE,
    displayName: 'TechPass platform',
    description: "TechPass' own applications (the portal)",
  });
  if (created.ok || created.error !== ErrorCodes.namespaceExists) return created;
  const again = await deps.namespaces.findByName(PLATFORM_NAMESPACE);
  return again ? ok(again) : fail(ErrorCodes.namespaceNotFound, 'the platform namespace could not be made');
}

/** The portal application as PUBLIC_URL wants it, made or corrected as needed. */
export async function ensurePortalApplication(deps: AdministrationDeps, issuer: string): Promise<Result<Application>> {
  const namespace = await platformNamespace(deps);
  if (!namespace.ok) return namespace;
  const wanted = {
    redirectUris: [portalRedirectUri(issuer)],
    logoutUrl: portalSignedOutUri(issuer),
    homepageUrl: `${issuer}${PORTAL_PATH}/`,
  };
  const find = async () => (await deps.forNamespace(namespace.value.id).applications.list()).find((a) => a.name === PORTAL_APPLICATION);
  const existing = await find();
  if (!existing) {
    const created = await createApplication(deps, ACTOR, { namespace: PLATFORM_NAMESPACE, name: PORTAL_APPLICATION, isPublic: true, ...wanted });
    if (created.ok) return ok(created.value.application);
    const raced = await find();
    return raced ? ok(raced) : created;
  }
  const inLine =
    existing.redirectUris.length === 1 &&
    existing.redirectUris[0] === wanted.redirectUris[0] &&
    existing.logoutUrl === wanted.logoutUrl &&
    existing.homepageUrl === wanted.homepageUrl;
  if (inLine) return ok(existing);
  return updateApplication(deps, ACTOR, { namespace: PLATFORM_NAMESPACE, clientId: existing.id, changes: wanted });
}
