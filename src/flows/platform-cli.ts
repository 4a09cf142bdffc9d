/**
 * The platform's own application for the `techpass` command line (issue 19): a public
 * client, `techpass-cli`, in the platform namespace `techpass`, that may use the device
 * authorization grant (RFC 8628) and ask for management API tokens (`<issuer>/api`),
 * with refresh tokens. `techpass login --server URL` signs people in through it.
 *
 * Ensured when a server starts (like its signing keys): created if missing, and put
 * back as it must be if someone changed it (its switches; a deleted one comes back at
 * the next start). Every change is audited as `system:start`.
 */
import type { Application } from '../domain/directory.js';
import { asApplicationId } from '../domain/ids.js';
import type { AdministrationDeps } from './administration.js';

export const PLATFORM_NAMESPACE = 'techpass';
export const CLI_CLIENT_ID = 'techpass-cli';

const ACTOR = 'system:start';

/** What the CLI application must be, whatever an admin did to it. */
const REQUIRED = { managementApi: true, deviceGrant: true, signInEnabled: true, assignmentRequired: false } as const;

export async function ensurePlatformCli(deps: AdministrationDeps): Promise<Application> {
  return deps.transaction(async (tx) => {
    let namespace = await tx.namespaces.findByName(PLATFORM_NAMESPACE);
    if (!namespace) {
      const created = await tx.namespaces.create({
        name: PLATFORM_NAMESPACE,
        displayName: 'TechPass platform',
        description: "The platform's own applications (the techpass command line)",
      });
      if (!created.ok) throw new Error(`the platform namespace ${PLATFORM_NAMESPACE} could not be created`);
      namespace = created.value;
      await tx.audit.append({
        actor: ACTOR,
        action: 'namespace.created',
        targetType: 'namespace',
        targetId: namespace.id,
        namespaceId: namespace.id,
        data: { name: PLATFORM_NAMESPACE },
      });
    }
    const scope = tx.forNamespace(namespace.id);
    const id = asApplicationId(CLI_CLIENT_ID);
    let app = await scope.applications.get(id);
    if (!app) {
      const created = await scope.applications.create({ id, name: 'TechPass CLI', redirectUris: [], isPublic: true });
      if (!created.ok)
        throw new Error(
          `the TechPass CLI application (${CLI_CLIENT_ID}) could not be created in namespace ${PLATFORM_NAMESPACE}: the name or client id is taken`,
        );
      app = created.value;
      await tx.audit.append({
        actor: ACTOR,
        action: 'application.created',
        targetType: 'application',
        targetId: app.id,
        namespaceId: namespace.id,
        data: { name: app.name, public: true, redirectUris: [] },
      });
    }
    const drift = Object.entries(REQUIRED).filter(([key, value]) => app![key as keyof typeof REQUIRED] !== value);
    if (drift.length === 0) return app;
    const before = Object.fromEntries(drift.map(([key]) => [key, app![key as keyof typeof REQUIRED]]));
    const updated = await scope.applications.update(id, Object.fromEntries(drift));
    if (!updated) throw new Error('the TechPass CLI application vanished while being set up');
    await tx.audit.append({
      actor: ACTOR,
      action: 'application.updated',
      targetType: 'application',
      targetId: id,
      namespaceId: namespace.id,
      data: { before, after: Object.fromEntries(drift) },
    });
    return updated;
  });
}
