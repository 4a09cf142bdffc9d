/**
 * The applications a page of sign-in lines names, by client id → name (issue 20): a
 * person's own sign-in activity says "Payroll", not `app_…`. Looked up here, one
 * lookup per client id (the directory is cached per node), so the caller needs no
 * right to list applications: a line shows only the name of the application it was
 * already about. A deleted application has no name (the line keeps its client id).
 */
import type { ClientDirectory } from '../domain/repositories.js';

export interface SignInApplicationDeps {
  clients: Pick<ClientDirectory, 'findApplication'>;
}

export async function applicationNamesOf(deps: SignInApplicationDeps, clientIds: ReadonlyArray<string | null>): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const clientId of new Set(clientIds)) {
    if (clientId === null) continue;
    const application = await deps.clients.findApplication(clientId);
    if (application) names.set(clientId, application.name);
  }
  return names;
}
