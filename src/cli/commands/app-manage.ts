/**
 * `techpass app list|show|delete` and `app secret list|revoke` on the local database:
 * the management API's flows (flows/application-management.ts), called as the operator
 * (`operatorCaller`), so the rules, the audit (before and after, secrets never) and the
 * cache invalidation are the API's own. Contracts scripts rely on (issue 19):
 * - `app list --namespace N --json` answers `[{ "clientId", "name", … }]`;
 * - `app secret list --namespace N --app CLIENT_ID --json` answers
 *   `[{ "id", "name", "createdAt", "expiresAt", "lastUsedAt" }]` (never a value);
 * - `app secret revoke --namespace N --app CLIENT_ID --secret-id ID`;
 * - `app delete --namespace N --app CLIENT_ID`.
 */
import type { Command } from 'commander';
import { operatorCaller } from '../../domain/authorization.js';
import type { Application, ApplicationSecret } from '../../domain/directory.js';
import { deleteApplication, listApplications, listSecrets, revokeSecret, showApplication } from '../../flows/application-management.js';
import { systemClock } from '../../platform/clock.js';
import { administrationDeps } from '../demo.js';
import { answer, CommandError } from '../output.js';
import { allPages, cliActor, jsonOption, withStore } from './context.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const applicationJson = (app: Application) => ({
  clientId: app.id,
  name: app.name,
  homepageUrl: app.homepageUrl,
  logoutUrl: app.logoutUrl,
  redirectUris: app.redirectUris,
  public: app.isPublic,
  signInEnabled: app.signInEnabled,
  assignmentRequired: app.assignmentRequired,
  implicitGrant: app.implicitGrant,
  backchannelLogoutUri: app.backchannelLogoutUri,
  termsVersion: app.termsVersion,
  managementApi: app.managementApi,
  createdAt: iso(app.createdAt),
  updatedAt: iso(app.updatedAt),
});

const secretJson = (s: ApplicationSecret) => ({
  id: s.id,
  name: s.name,
  hint: s.hint,
  createdAt: iso(s.createdAt),
  expiresAt: iso(s.expiresAt),
  lastUsedAt: iso(s.lastUsedAt),
});

const appLine = (a: Application) => `${a.id}  ${a.name}${a.isPublic ? '  (public)' : ''}${a.signInEnabled ? '' : '  (sign-in off)'}`;
const secretLine = (s: ApplicationSecret) =>
  `${s.id}  ${s.name || '(no name)'}  …${s.hint}  created ${iso(s.createdAt)}  expires ${iso(s.expiresAt)}  last used ${iso(s.lastUsedAt) ?? 'never'}`;

export function registerAppManagementCommands(app: Command, secret: Command): void {
  const deps = (store: Parameters<typeof administrationDeps>[0]) => administrationDeps(store, systemClock);

  app
    .command('list')
    .description("a namespace's applications, by name")
    .requiredOption('--namespace <name>', 'the namespace')
    .addOption(jsonOption())
    .action(async (options: { namespace: string; json?: boolean }) =>
      withStore(async (store) => {
        const all = await allPages((cursor) =>
          listApplications(deps(store), operatorCaller(cliActor()), { namespace: options.namespace, cursor, limit: 100 }),
        );
        answer(
          Boolean(options.json),
          all.map(applicationJson),
          all.length ? all.map(appLine).join('\n') : `namespace ${options.namespace} has no applications`,
        );
      }),
    );

  app
    .command('show')
    .description('one application, every property')
    .requiredOption('--namespace <name>', 'namespace that owns it')
    .requiredOption('--app <client-id>', 'the application (client id)')
    .addOption(jsonOption())
    .action(async (options: { namespace: string; app: string; json?: boolean }) =>
      withStore(async (store) => {
        const found = await showApplication(deps(store), operatorCaller(cliActor()), { namespace: options.namespace, clientId: options.app });
        if (!found.ok) throw CommandError.from(found);
        const view = applicationJson(found.value);
        answer(
          Boolean(options.json),
          view,
          Object.entries(view)
            .map(([key, value]) => `${key}: ${Array.isArray(value) ? value.join(' ') : String(value)}`)
            .join('\n'),
        );
      }),
    );

  app
    .command('delete')
    .description('delete an application, irreversibly: its secrets, certificates, assignments and refresh tokens go with it')
    .requiredOption('--namespace <name>', 'namespace that owns it')
    .requiredOption('--app <client-id>', 'the application (client id)')
    .addOption(jsonOption())
    .action(async (options: { namespace: string; app: string; json?: boolean }) =>
      withStore(async (store) => {
        const deleted = await deleteApplication(deps(store), operatorCaller(cliActor()), {
          namespace: options.namespace,
          clientId: options.app,
          precondition: undefined,
        });
        if (!deleted.ok) throw CommandError.from(deleted);
        answer(
          Boolean(options.json),
          { deleted: true, clientId: deleted.value.id, name: deleted.value.name },
          `deleted ${deleted.value.name} (${deleted.value.id})`,
        );
      }),
    );

  secret
    .command('list')
    .description("an application's client secrets: name, dates, the last 4 characters; never a value")
    .requiredOption('--namespace <name>', 'namespace that owns the application')
    .requiredOption('--app <client-id>', 'the application (client id)')
    .addOption(jsonOption())
    .action(async (options: { namespace: string; app: string; json?: boolean }) =>
      withStore(async (store) => {
        const secrets = await listSecrets(deps(store), operatorCaller(cliActor()), { namespace: options.namespace, clientId: options.app });
        if (!secrets.ok) throw CommandError.from(secrets);
        answer(
          Boolean(options.json),
          secrets.value.map(secretJson),
          secrets.value.length ? secrets.value.map(secretLine).join('\n') : `${options.app} has no client secrets`,
        );
      }),
    );

  secret
    .command('revoke')
    .description('revoke a client secret: refused at once on this node, on every node within KEY_REFRESH_SECONDS')
    .requiredOption('--namespace <name>', 'namespace that owns the application')
    .requiredOption('--app <client-id>', 'the application (client id)')
    .requiredOption('--secret-id <id>', 'the secret (its id, from `app secret list`)')
    .addOption(jsonOption())
    .action(async (options: { namespace: string; app: string; secretId: string; json?: boolean }) =>
      withStore(async (store) => {
        const revoked = await revokeSecret(deps(store), operatorCaller(cliActor()), {
          namespace: options.namespace,
          clientId: options.app,
          secretId: options.secretId,
        });
        if (!revoked.ok) throw CommandError.from(revoked);
        answer(
          Boolean(options.json),
          { revoked: true, id: revoked.value.id, name: revoked.value.name },
          `revoked secret ${revoked.value.id} (${revoked.value.name})`,
        );
      }),
    );
}
