/**
 * `techpass app update` and `techpass app secret add`: requests to the management API
 * (management-client.ts), like app-manage.ts: the API's rules and audit (before and
 * after; a secret's value never). An update reads the application first (its ETag) and
 * sends the change with If-Match, so a change made meanwhile is refused, not overwritten.
 * Contracts scripts rely on (issue 19):
 * - `app update … --json` answers `{ "clientId", "name", "public", "signInEnabled", … }`;
 * - `app secret add … --json` answers `{ "id", "name", "clientSecret", "expiresAt" }`.
 */
import type { Command } from 'commander';
import { ErrorCodes } from '../../contracts/errors.js';
import { serverOption } from '../management-client.js';
import { answer, CommandError } from '../output.js';
import { jsonOption, parseSwitch, parseWholeNumber } from './context.js';
import { viaApi } from './group-manage.js';

/** The part of the API's application view this command prints. */
interface ApplicationBody {
  clientId: string;
  name: string;
  public: boolean;
  signInEnabled: boolean;
  assignmentRequired: boolean;
  implicitGrant: boolean;
  redirectUris: string[];
  logoutUrl: string | null;
  backchannelLogoutUri: string | null;
  termsVersion: number;
  managementApi: boolean;
  owners: { userId: string; email: string }[];
}

const iso = (ms: number) => new Date(ms).toISOString();
const seg = encodeURIComponent;
const appPath = (o: { namespace: string; app: string }) => `/namespaces/${seg(o.namespace)}/applications/${seg(o.app)}`;
/** The API's fields that are not the flags' own names. */
const FLAGS = { clientId: 'app', namespace: 'namespace', owners: 'owner' };

const describeApplication = (app: ApplicationBody) => ({
  clientId: app.clientId,
  name: app.name,
  public: app.public,
  signInEnabled: app.signInEnabled,
  assignmentRequired: app.assignmentRequired,
  implicitGrant: app.implicitGrant,
  redirectUris: app.redirectUris,
  logoutUrl: app.logoutUrl,
  backchannelLogoutUri: app.backchannelLogoutUri,
  termsVersion: app.termsVersion,
  managementApi: app.managementApi,
});

type UpdateOptions = {
  namespace: string;
  app: string;
  signInEnabled?: string;
  assignmentRequired?: string;
  implicitGrant?: string;
  logoutUrl?: string;
  backchannelLogoutUri?: string;
  termsVersion?: string;
  managementApi?: string;
  owner?: string[];
  clearOwners?: boolean;
  json?: boolean;
  server?: string;
};

export function registerAppUpdateCommand(app: Command): void {
  app
    .command('update')
    .description('change an application: its switches, logout URLs and terms version (takes effect within seconds)')
    .requiredOption('--namespace <name>', 'namespace that owns it')
    .requiredOption('--app <client-id>', 'the application (client id)')
    .option('--sign-in-enabled <true|false>', 'off blocks every sign-in and token refresh')
    .option('--assignment-required <true|false>', 'on: only assigned users and direct members of assigned groups may sign in')
    .option('--implicit-grant <true|false>', 'allow the implicit and hybrid response types (id_token, code id_token)')
    .option('--logout-url <url>', 'where to send people after sign-out ("" removes it)')
    .option('--backchannel-logout-uri <url>', 'where TechPass posts a logout token when a session ends ("" removes it)')
    .option('--terms-version <n>', 'raise to ask every user to accept the terms again')
    .option(
      '--management-api <true|false>',
      'on: people signing in through it may get management API tokens (resource <issuer>/api), acting with their full role',
    )
    .option('--owner <email>', 'a person responsible for it (repeatable; replaces the list of owners)', (v: string, all: string[] = []) => [
      ...all,
      v,
    ])
    .option('--clear-owners', 'remove every owner')
    .addOption(serverOption())
    .addOption(jsonOption())
    .action(async (options: UpdateOptions) => {
      if (options.owner && options.clearOwners) {
        throw new CommandError('give --owner or --clear-owners, not both', ErrorCodes.inputInvalid, 'owner');
      }
      const changes = {
        managementApi: parseSwitch(options.managementApi, '--management-api', 'managementApi'),
        signInEnabled: parseSwitch(options.signInEnabled, '--sign-in-enabled', 'signInEnabled'),
        assignmentRequired: parseSwitch(options.assignmentRequired, '--assignment-required', 'assignmentRequired'),
        implicitGrant: parseSwitch(options.implicitGrant, '--implicit-grant', 'implicitGrant'),
        logoutUrl: options.logoutUrl === undefined ? undefined : options.logoutUrl.trim() || null,
        backchannelLogoutUri: options.backchannelLogoutUri === undefined ? undefined : options.backchannelLogoutUri.trim() || null,
        termsVersion: parseWholeNumber(options.termsVersion, '--terms-version', 'termsVersion'),
        owners: options.clearOwners ? [] : options.owner,
      };
      const body = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
      if (Object.keys(body).length === 0) throw new CommandError('nothing to change: give at least one setting', ErrorCodes.inputInvalid, 'changes');
      await viaApi(options.server, FLAGS, async (client) => {
        const found = await client.call<ApplicationBody>('GET', appPath(options));
        const updated = await client.call<ApplicationBody>('PATCH', appPath(options), { body, ...(found.etag ? { ifMatch: found.etag } : {}) });
        const value = { ...describeApplication(updated.body), ...(body.owners ? { owners: updated.body.owners.map((o) => o.email) } : {}) };
        answer(
          Boolean(options.json),
          value,
          `updated ${value.name}: ${Object.entries(value)
            .filter(([k]) => k in body)
            .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
            .join(', ')}`,
        );
      });
    });
}

interface SecretCreatedBody {
  id: string;
  name: string;
  expiresAt: number;
  value: string;
}

export function registerAppSecretAddCommand(secret: Command): void {
  secret
    .command('add')
    .description('add a client secret (shown once); older secrets keep working until they expire, for rollover')
    .requiredOption('--namespace <name>', 'namespace that owns the application')
    .requiredOption('--app <client-id>', 'the application (client id)')
    .option('--name <name>', 'what the secret is for, shown by `app secret list` (default: "added <date>")')
    .option('--expires-in-days <days>', 'lifetime in days (default 365, at most 730)')
    .addOption(serverOption())
    .addOption(jsonOption())
    .action(async (options: { namespace: string; app: string; name?: string; expiresInDays?: string; json?: boolean; server?: string }) => {
      const expiresInDays = parseWholeNumber(options.expiresInDays, '--expires-in-days', 'expiresInDays');
      const name = options.name ?? `added ${new Date().toISOString().slice(0, 10)}`;
      await viaApi(options.server, FLAGS, async (client) => {
        const added = await client.call<SecretCreatedBody>('POST', `${appPath(options)}/secrets`, {
          body: { name, ...(expiresInDays === undefined ? {} : { expiresInDays }) },
        });
        const { id, name: given, value, expiresAt } = added.body;
        answer(
          Boolean(options.json),
          { id, name: given, clientSecret: value, expiresAt: iso(expiresAt) },
          `client secret ${given}: ${value}   (shown once; valid until ${iso(expiresAt)})`,
        );
      });
    });
}
