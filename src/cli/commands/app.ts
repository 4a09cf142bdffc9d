/**
 * `techpass app …`: register applications (OIDC clients), give them secrets and
 * certificates, change their switches and URLs, and assign users and groups.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ErrorCodes } from '../../contracts/errors.js';
import { createApplication } from '../../flows/administration.js';
import { addApplicationCertificate, assignToApplication } from '../../flows/applications.js';
import { systemClock } from '../../platform/clock.js';
import { administrationDeps } from '../demo.js';
import { answer, CommandError } from '../output.js';
import { registerAppManagementCommands } from './app-manage.js';
import { registerAppSecretAddCommand, registerAppUpdateCommand } from './app-update.js';
import { registerAppAccessCommands } from './group-manage.js';
import { cliActor, exactlyOne, jsonOption, withStore, withStoreAndIssuer } from './context.js';

const iso = (ms: number) => new Date(ms).toISOString();

export function registerAppCommands(program: Command): void {
  const app = program.command('app').description('applications (OIDC clients)');

  app
    .command('create')
    .description('register an application; prints its client id and, for confidential apps, its secret (shown once)')
    .requiredOption('--namespace <name>', 'namespace that owns it')
    .requiredOption('--name <name>', 'application name (unique in the namespace)')
    .requiredOption('--redirect-uri <url>', 'redirect URI, matched exactly (repeatable)', (v: string, all: string[] = []) => [...all, v])
    .option('--public', 'a public client (no secret; PKCE only), e.g. a single-page or native app', false)
    .option('--logout-url <url>', 'where to send people after sign-out')
    .option('--homepage-url <url>', 'the application home page')
    .addOption(jsonOption())
    .action(
      async (options: {
        namespace: string;
        name: string;
        redirectUri: string[];
        public: boolean;
        logoutUrl?: string;
        homepageUrl?: string;
        json?: boolean;
      }) =>
        withStoreAndIssuer(async (store, cfg) => {
          const result = await createApplication(administrationDeps(store, systemClock), cliActor(), {
            namespace: options.namespace,
            name: options.name,
            redirectUris: options.redirectUri,
            isPublic: options.public,
            ...(options.logoutUrl ? { logoutUrl: options.logoutUrl } : {}),
            ...(options.homepageUrl ? { homepageUrl: options.homepageUrl } : {}),
          });
          if (!result.ok) throw CommandError.from(result);
          const { application, clientSecret, secretExpiresAt } = result.value;
          const value = {
            clientId: application.id,
            ...(clientSecret && secretExpiresAt ? { clientSecret, clientSecretExpiresAt: iso(secretExpiresAt) } : {}),
            name: application.name,
            namespace: options.namespace,
            public: application.isPublic,
            redirectUris: application.redirectUris,
            issuer: cfg.PUBLIC_URL,
          };
          answer(
            Boolean(options.json),
            value,
            [
              `created application ${application.name} in ${options.namespace}`,
              `  issuer:        ${cfg.PUBLIC_URL}`,
              `  client id:     ${application.id}`,
              clientSecret
                ? `  client secret: ${clientSecret}   (shown once; valid until ${value.clientSecretExpiresAt})`
                : '  public client: no secret, PKCE required',
            ].join('\n'),
          );
        }),
    );

  registerAppUpdateCommand(app);

  const secret = app.command('secret').description("an application's client secrets");
  registerAppManagementCommands(app, secret);
  registerAppSecretAddCommand(secret);

  const cert = app.command('cert').description("an application's certificates (for private_key_jwt client assertions)");
  registerAppAccessCommands(app, cert);
  cert
    .command('add')
    .description('upload a public X.509 certificate (PEM); assertions signed by its key authenticate the application')
    .requiredOption('--namespace <name>', 'namespace that owns the application')
    .requiredOption('--app <client-id>', 'the application (client id)')
    .requiredOption('--pem <file>', 'the certificate, PEM-encoded (never the private key)')
    .addOption(jsonOption())
    .action(async (options: { namespace: string; app: string; pem: string; json?: boolean }) => {
      let pem: string;
      try {
        pem = readFileSync(options.pem, 'utf8');
      } catch (error) {
        throw new CommandError(
          `--pem: cannot read ${options.pem} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
          ErrorCodes.inputInvalid,
          'pem',
        );
      }
      await withStore(async (store) => {
        const result = await addApplicationCertificate(administrationDeps(store, systemClock), cliActor(), {
          namespace: options.namespace,
          clientId: options.app,
          pem,
        });
        if (!result.ok) throw CommandError.from(result);
        const c = result.value;
        answer(
          Boolean(options.json),
          { id: c.id, x5t: c.x5t, 'x5t#S256': c.x5tS256, notAfter: iso(c.notAfter) },
          [`added certificate ${c.id}`, `  x5t#S256 (kid): ${c.x5tS256}`, `  x5t:            ${c.x5t}`, `  valid until:    ${iso(c.notAfter)}`].join(
            '\n',
          ),
        );
      });
    });

  app
    .command('assign')
    .description('assign a user or a group to an application (what "user assignment required" checks)')
    .requiredOption('--namespace <name>', 'namespace that owns the application')
    .requiredOption('--app <client-id>', 'the application (client id)')
    .option('--user <techpass-id>', "the user's TechPass ID (e-mail or local username)")
    .option('--group <name>', 'a group of the namespace (<group> or <namespace>:<group>)')
    .addOption(jsonOption())
    .action(async (options: { namespace: string; app: string; user?: string; group?: string; json?: boolean }) => {
      exactlyOne(['user', options.user], ['group', options.group]);
      const assignee = options.user !== undefined ? { user: options.user } : { group: options.group! };
      await withStore(async (store) => {
        const result = await assignToApplication(administrationDeps(store, systemClock), cliActor(), {
          namespace: options.namespace,
          clientId: options.app,
          assignee,
        });
        if (!result.ok) throw CommandError.from(result);
        const { application, assignee: who, added } = result.value;
        answer(
          Boolean(options.json),
          { clientId: application.id, assignee: { type: who.type, id: who.id, name: who.name }, added },
          added ? `assigned ${who.type} ${who.name} to ${application.name}` : `${who.type} ${who.name} was already assigned to ${application.name}`,
        );
      });
    });
}
