/**
 * The platform's own application for the `techpass` command line (issue 19): a public
 * client, `techpass-cli`, in the platform namespace `techpass`, that may use the device
 * authorization grant (RFC 8628) and ask for management API tokens (`<issuer>/api`),
 * with refresh tokens. `techpass login --server URL` signs people in through it.
 *
 * Created the first time the provider is asked for it (oidc/platform-client.ts), audited
 * as `system:platform`; a deleted one comes back at the next `techpass login`. A platform
 * admin may turn its sign-in or its `managementApi` off to stop remote CLI use.
 */
import type { Application, Namespace } from '../domain/directory.js';
import type { AuditLog, NamespaceRepository } from '../domain/repositories.js';
import { asApplicationId } from '../domain/ids.js';
import type { AdministrationDeps } from './administration.js';

export const PLATFORM_NAMESPACE = 'techpass';
export const CLI_CLIENT_ID = 'techpass-cli';

const ACTOR = 'system:platform';

/** The platform namespace, made in `tx` the first time (its name is reserved: no tenant takes it). */
export async function platformNamespaceIn(tx: { namespaces: NamespaceRepository; audit: AuditLog }): Promise<Namespace> {
  const found = await tx.namespaces.findByName(PLATFORM_NAMESPACE);
  if (found) return found;
  const created = await tx.namespaces.create({
    name: PLATFORM_NAMESPACE,
    displayName: 'TechPass platform',
    description: "The platform's own applications (the portal, the techpass command line)",
  });
  if (!created.ok) throw new Error(`the platform namespace ${PLATFORM_NAMESPACE} could not be created`);
  await tx.audit.append({
    actor: ACTOR,
    action: 'namespace.created',
    targetType: 'namespace',
    targetId: created.value.id,
    namespaceId: created.value.id,
    data: { name: PLATFORM_NAMESPACE },
  });
  return created.value;
}

export async function ensurePlatformCli(deps: AdministrationDeps): Promise<Application> {
  return deps.transaction(async (tx) => {
    const namespace = await platformNamespaceIn(tx);
    const scope = tx.forNamespace(namespace.id);
    const id = asApplicationId(CLI_CLIENT_ID);
    const existing = await scope.applications.get(id);
    if (existing) return existing;
    const created = await scope.applications.create({ id, name: 'TechPass CLI', redirectUris: [], isPublic: true });
    if (!created.ok) {
      throw new Error(
        `the TechPass CLI application (${CLI_CLIENT_ID}) could not be created in namespace ${PLATFORM_NAMESPACE}: its name or client id is taken`,
      );
    }
    const app = (await scope.applications.update(id, { managementApi: true, deviceGrant: true }))!;
    await tx.audit.append({
      actor: ACTOR,
      action: 'application.created',
      targetType: 'application',
      targetId: app.id,
      namespaceId: namespace.id,
      data: { name: app.name, public: true, redirectUris: [], managementApi: true, deviceGrant: true },
    });
    return app;
  });
}
