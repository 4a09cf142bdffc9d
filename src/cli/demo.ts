/**
 * The newcomer's first run: on first start, a platform admin, a demo namespace,
 * a demo application for the sample service and demo users. Their credentials
 * are kept in DATA_DIR/demo.json (mode 0600) so every later start can print
 * them and start the sample service again. Embedded demo mode only.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../platform/config.js';
import { operatorCaller } from '../domain/authorization.js';
import { addNamespaceAdmin } from '../flows/namespace-management.js';
import type { Clock } from '../platform/clock.js';
import type { Store } from '../persistence/store.js';
import { createApplication, createNamespace, createUser, type AdministrationDeps } from '../flows/administration.js';
import { CommandError } from './output.js';

export interface DemoData {
  namespace: string;
  application: { clientId: string; clientSecret: string; redirectUri: string };
  users: Array<{ email: string; username: string | null; password: string; role: string }>;
}

export const DEMO_PASSWORD = 'Demo-TechPass-2026';

export function administrationDeps(store: Store, clock: Clock): AdministrationDeps {
  return {
    users: store.users,
    namespaces: store.namespaces,
    audit: store.audit,
    forNamespace: (id) => store.forNamespace(id),
    clock,
    transaction: (fn) => store.transaction((repos) => fn(repos)),
  };
}

export async function ensureDemo(config: Config, store: Store, clock: Clock, sampleUrl: string): Promise<DemoData> {
  const file = path.join(config.DATA_DIR, 'demo.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DemoData;
  const deps = administrationDeps(store, clock);
  const actor = 'system:demo';
  const must = <T>(result: { ok: true; value: T } | { ok: false; message: string; error: string }): T => {
    if (!result.ok) throw new CommandError(`demo set-up failed: ${result.message}`, result.error);
    return result.value;
  };
  const users = [
    {
      email: 'admin@techpass.localhost',
      username: null,
      givenName: 'Platform',
      familyName: 'Admin',
      type: 'officer',
      platformAdmin: true,
      role: 'platform admin',
    },
    {
      email: 'jane_tan@agency.gov.localhost',
      username: null,
      givenName: 'Jane',
      familyName: 'Tan',
      type: 'officer',
      platformAdmin: false,
      role: 'public officer, admin of the demo tenant',
    },
    {
      email: 'ravi@vendor.localhost',
      username: 'ravi_kumar',
      givenName: 'Ravi',
      familyName: 'Kumar',
      type: 'vendor',
      platformAdmin: false,
      role: 'vendor (local account)',
    },
  ];
  for (const u of users) {
    const existing = await store.users.findByLogin(u.email);
    if (!existing) must(await createUser(deps, actor, { ...u, password: DEMO_PASSWORD }));
  }
  if (!(await store.namespaces.findByName('demo'))) {
    must(await createNamespace(deps, actor, { name: 'demo', displayName: 'Demo tenant', description: 'Created on first start' }));
  }
  // The demo tenant's admin: the portal shows jane its namespace (idempotent: already an admin adds nothing).
  must(await addNamespaceAdmin(deps, operatorCaller(actor), { namespace: 'demo', email: 'jane_tan@agency.gov.localhost' }));
  const redirectUri = `${sampleUrl}/callback`;
  const app = must(
    await createApplication(deps, actor, {
      namespace: 'demo',
      name: 'Sample Service',
      redirectUris: [redirectUri],
      isPublic: false,
      logoutUrl: `${sampleUrl}/`,
      homepageUrl: `${sampleUrl}/`,
    }),
  );
  const data: DemoData = {
    namespace: 'demo',
    application: { clientId: app.application.id, clientSecret: app.clientSecret ?? '', redirectUri },
    users: users.map((u) => ({ email: u.email, username: u.username, password: DEMO_PASSWORD, role: u.role })),
  };
  writeFileSync(file, JSON.stringify(data, null, 2), { mode: 0o600 });
  return data;
}
