/**
 * TechPass' own applications, in the platform namespace `techpass`: the portal (a
 * public client with PKCE, its only redirect URI `<issuer>/portal/callback`). Made the
 * first time they are needed, and brought in line with PUBLIC_URL when it changes;
 * every change is audited as `system:platform`. Two nodes making it at once: one
 * creates, the other finds it (the namespace and the application names are unique).
 */
import { ErrorCodes } from '../contracts/errors.js';
import { fail, ok, type Result } from '../contracts/result.js';
import type { Application, Namespace } from '../domain/directory.js';
import { createApplication, type AdministrationDeps } from './administration.js';
import { PLATFORM_NAMESPACE, platformNamespaceIn } from './platform-cli.js';
import { updateApplication } from './applications.js';
import { portalRedirectUri, portalSignedOutUri, PORTAL_PATH } from './portal-session.js';

export const PORTAL_APPLICATION = 'TechPass portal';
const ACTOR = 'system:platform';

async function platformNamespace(deps: AdministrationDeps): Promise<Result<Namespace>> {
  const found = await deps.namespaces.findByName(PLATFORM_NAMESPACE);
  if (found) return ok(found);
  try {
    return ok(await deps.transaction((tx) => platformNamespaceIn(tx)));
  } catch (error) {
    // Another node made it meanwhile.
    const again = await deps.namespaces.findByName(PLATFORM_NAMESPACE);
    if (again) return ok(again);
    return fail(ErrorCodes.namespaceNotFound, error instanceof Error ? error.message : 'the platform namespace could not be made');
  }
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
