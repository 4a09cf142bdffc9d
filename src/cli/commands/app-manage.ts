/**
 * `techpass app list|show|delete` and `app secret list|revoke`: requests to the
 * management API (management-client.ts), on the local database as the operator or, with
 * `--server`, on a server as the person `techpass login` signed in; the rules, the audit
 * (before and after, secrets never) and the cache invalidation are the API's own.
 * Contracts scripts rely on (issue 19):
 * - `app list --namespace N --json` answers `[{ "clientId", "name", … }]`;
 * - `app secret list --namespace N --app CLIENT_ID --json` answers
 *   `[{ "id", "name", "createdAt", "expiresAt", "lastUsedAt" }]` (never a value);
 * - `app secret revoke --namespace N --app CLIENT_ID --secret-id ID`;
 * - `app delete --namespace N --app CLIENT_ID`.
 */
import type { Command } from 'commander';
import { allApiPages, serverOption, withManagementClient } from '../management-client.js';
import { answer } from '../output.js';
import { jsonOption } from './context.js';

/** An application as the API answers it (timestamps in ms). */
interface ApplicationView {
  clientId: string;
  namespace: string;
  name: string;
  homepageUrl: string | null;
  logoutUrl: string | null;
  redirectUris: string[];
  public: boolean;
  signInEnabled: boolean;
  assignmentRequired: boolean;
  implicitGrant: boolean;
  backchannelLogoutUri: string | null;
  termsVersion: number;
  managementApi: boolean;
  owners: { userId: string; email: string }[];
  createdAt: number;
  updatedAt: number;
}

interface SecretView {
  id: string;
  name: string;
  hint: string;
  createdAt: number;
  expiresAt: number;
  lastUsedAt: number | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const applicationJson = (app: ApplicationView) => ({
  clientId: app.clientId,
  name: app.name,
  homepageUrl: app.homepageUrl,
  logoutUrl: app.logoutUrl,
  redirectUris: app.redirectUris,
  public: app.public,
  signInEnabled: app.signInEnabled,
  assignmentRequired: app.assignmentRequired,
  implicitGrant: app.implicitGrant,
  backchannelLogoutUri: app.backchannelLogoutUri,
  termsVersion: app.termsVersion,
  managementApi: app.managementApi,
  owners: app.owners.map((o) => o.email),
  createdAt: iso(app.createdAt),
  updatedAt: iso(app.updatedAt),
});

const secretJson = (s: SecretView) => ({
  id: s.id,
  name: s.name,
  hint: s.hint,
  createdAt: iso(s.createdAt),
  expiresAt: iso(s.expiresAt),
  lastUsedAt: iso(s.lastUsedAt),
});

const appLine = (a: ApplicationView) => `${a.clientId}  ${a.name}${a.public ? '  (public)' : ''}${a.signInEnabled ? '' : '  (sign-in off)'}`;
const secretLine = (s: SecretView) =>
  `${s.id}  ${s.name || '(no name)'}  …${s.hint}  created ${iso(s.createdAt)}  expires ${iso(s.expiresAt)}  last used ${iso(s.lastUsedAt) ?? 'never'}`;

const appsPath = (namespace: string) => `/namespaces/${encodeURIComponent(namespace)}/applications`;
const appPath = (namespace: string, clientId: string) => `${appsPath(namespace)}/${encodeURIComponent(clientId)}`;

type AppOptions = { namespace: string; app: string; json?: boolean; server?: string | boolean };

export function registerAppManagementCommands(app: Command, secret: Command): void {
  app
    .command('list')
    .description("a namespace's applications, by name")
    .requiredOption('--namespace <name>', 'the namespace')
    .addOption(serverOption())
    .addOption(jsonOption())
    .action(async (options: { namespace: string; json?: boolean; server?: string | boolean }) =>
      withManagementClient(options, async (client) => {
        const all = await allApiPages<ApplicationView>(client, appsPath(options.namespace));
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
    .addOption(serverOption())
    .addOption(jsonOption())
    .action(async (options: AppOptions) =>
      withManagementClient(options, async (client) => {
        const found = await client.call<ApplicationView>('GET', appPath(options.namespace, options.app));
        const view = applicationJson(found.body);
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
    .addOption(serverOption())
    .addOption(jsonOption())
    .action(async (options: AppOptions) =>
      withManagementClient(options, async (client) => {
        // Read first: its name for the answer, its ETag so that a change made meanwhile is not deleted unseen.
        const found = await client.call<ApplicationView>('GET', appPath(options.namespace, options.app));
        await client.call('DELETE', appPath(options.namespace, options.app), found.etag ? { ifMatch: found.etag } : {});
        answer(
          Boolean(options.json),
          { deleted: true, clientId: found.body.clientId, name: found.body.name },
          `deleted ${found.body.name} (${found.body.clientId})`,
        );
      }),
    );

  secret
    .command('list')
    .description("an application's client secrets: name, dates, the last 4 characters; never a value")
    .requiredOption('--namespace <name>', 'namespace that owns the application')
    .requiredOption('--app <client-id>', 'the application (client id)')
    .addOption(serverOption())
    .addOption(jsonOption())
    .action(async (options: AppOptions) =>
      withManagementClient(options, async (client) => {
        const secrets = (await client.call<{ items: SecretView[] }>('GET', `${appPath(options.namespace, options.app)}/secrets`)).body.items;
        answer(
          Boolean(options.json),
          secrets.map(secretJson),
          secrets.length ? secrets.map(secretLine).join('\n') : `${options.app} has no client secrets`,
        );
      }),
    );

  secret
    .command('revoke')
    .description('revoke a client secret: refused at once on this node, on every node within KEY_REFRESH_SECONDS')
    .requiredOption('--namespace <name>', 'namespace that owns the application')
    .requiredOption('--app <client-id>', 'the application (client id)')
    .requiredOption('--secret-id <id>', 'the secret (its id, from `app secret list`)')
    .addOption(serverOption())
    .addOption(jsonOption())
    .action(async (options: AppOptions & { secretId: string }) =>
      withManagementClient(options, async (client) => {
        const revoked = await client.call<SecretView>(
          'DELETE',
          `${appPath(options.namespace, options.app)}/secrets/${encodeURIComponent(options.secretId)}`,
        );
        answer(
          Boolean(options.json),
          { revoked: true, id: revoked.body.id, name: revoked.body.name },
          `revoked secret ${revoked.body.id} (${revoked.body.name})`,
        );
      }),
    );
}
