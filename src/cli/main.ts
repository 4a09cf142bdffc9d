/**
 * The `techpass` command. Every command uses the same database as `serve`
 * (DATABASE_URL or the embedded default), answers JSON on stdout with --json,
 * and exits non-zero with a one-line message on error.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { systemClock } from '../platform/clock.js';
import { createLogger } from '../platform/logger.js';
import { createNamespace, createUser } from '../flows/administration.js';
import { rotateSigningKeys } from '../oidc/keys.js';
import { sendSetPasswordLink } from '../flows/set-password-link.js';
import { techpassId } from '../domain/users.js';
import { registerAppCommands } from './commands/app.js';
import { cliActor, config, jsonOption as newJsonOption, withStore, withStoreAndIssuer } from './commands/context.js';
import { registerGroupCommands } from './commands/group.js';
import { registerNamespaceManagementCommands } from './commands/namespace-manage.js';
import { registerObservationCommands } from './commands/observation.js';
import { registerSetStatusCommand } from './commands/user-status.js';
import { registerInviteCommand } from './commands/user-invite.js';
import { registerUserManagementCommands } from './commands/user-manage.js';
import { registerIdpCommands } from './commands/idp.js';
import { registerVendorCommands } from './commands/vendor.js';
import { registerTenantCommands } from './commands/tenant.js';
import { registerLoginCommands } from './commands/login.js';
import { registerAuthenticatorCommands, registerClearRiskCommand, registerResetMfaCommand } from './commands/authenticator.js';
import { administrationDeps } from './demo.js';
import { answer, answerError, answerUsageError, CommandError } from './output.js';
import { openStore } from './open-store.js';

const program = new Command('techpass')
  .description('TechPass: identity and access management and single sign-on')
  .exitOverride()
  // Usage errors are answered by main() in one line (and as JSON with --json), not printed here with the whole usage.
  .configureOutput({ outputError: () => undefined });

const jsonOption = newJsonOption();

program
  .command('serve')
  .description('run the TechPass server (migrates the database first)')
  .action(async () => {
    // Loaded on demand: only the server needs the provider (and its start-up checks).
    const { startServer } = await import('./server.js');
    const server = await startServer(config());
    const stop = () => void server.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

/** A TCP port given on the command line: 1–65535, or a usage error before anything starts. */
function portNumber(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65_535) throw new InvalidArgumentError('a port number (1–65535)');
  return port;
}

program
  .command('start')
  .description('run TechPass on embedded defaults with a demo tenant and the sample service (what `npm start` does)')
  .option('--sample-port <port>', 'port of the sample service', portNumber, 3001)
  .option('--no-sample', 'do not start the sample service')
  .option('--upstream-port <port>', 'port of the demo identity provider (a local stand-in for WOG Entra ID)', portNumber, 3002)
  .option('--no-upstream', 'do not start the demo identity provider')
  .action(async (options: { samplePort: number; sample: boolean; upstreamPort: number; upstream: boolean }) => {
    const { runDemo } = await import('./start.js');
    await runDemo(config(), options);
  });

program
  .command('migrate')
  .description('apply database migrations (safe to run from several nodes at once)')
  .addOption(jsonOption)
  .action(async (options: { json?: boolean }) => {
    const cfg = config();
    const store = await openStore(cfg, createLogger('silent'));
    try {
      const report = await store.migrate();
      answer(
        Boolean(options.json),
        { engine: store.engine, ...report },
        report.applied.length ? `applied ${report.applied.join(', ')}` : 'database is up to date',
      );
    } finally {
      await store.close();
    }
  });

const keys = program.command('keys').description('signing keys');
keys
  .command('rotate')
  .description('promote the next signing key; the retired key stays published until tokens it signed expire')
  .addOption(jsonOption)
  .action(async (options: { json?: boolean }) =>
    withStore(async (store, cfg) => {
      // A retired key must outlive everything it signed: ID tokens are the longest-lived.
      const retentionMs = Math.max(cfg.ID_TOKEN_TTL, cfg.ACCESS_TOKEN_TTL) * 1000 + 5 * 60_000;
      const result = await store.withLock('signing-keys', () => rotateSigningKeys(store.signingKeys, systemClock, retentionMs));
      await store.audit.append({ actor: cliActor(), action: 'signing_keys.rotated', data: { ...result } });
      answer(
        Boolean(options.json),
        { ...result },
        `promoted ${result.promoted.join(', ')}; new next keys ${result.created.join(', ')}; running servers pick this up within ${cfg.KEY_REFRESH_SECONDS}s`,
      );
    }),
  );

const namespace = program.command('namespace').description('tenant namespaces');
namespace
  .command('create')
  .description('create a namespace')
  .requiredOption('--name <name>', 'short name, e.g. demo')
  .requiredOption('--display-name <text>', 'name shown to people')
  .option('--description <text>', 'what the tenant is', '')
  .addOption(jsonOption)
  .action(async (options: { name: string; displayName: string; description: string; json?: boolean }) =>
    withStore(async (store) => {
      const result = await createNamespace(administrationDeps(store, systemClock), cliActor(), options);
      if (!result.ok) throw CommandError.from(result);
      const ns = result.value;
      answer(
        Boolean(options.json),
        { id: ns.id, name: ns.name, displayName: ns.displayName, directoryId: ns.directoryId },
        `created namespace ${ns.name} (${ns.id}, directory ${ns.directoryId})`,
      );
    }),
  );
registerNamespaceManagementCommands(namespace);

registerAppCommands(program);
registerGroupCommands(program);
registerAuthenticatorCommands(program);
registerIdpCommands(program);
registerVendorCommands(program);
registerTenantCommands(program);
registerLoginCommands(program);

const user = program.command('user').description('accounts');
user
  .command('create')
  .description('create an account')
  .requiredOption('--email <email>', 'e-mail address (the TechPass ID unless --username is given)')
  .option('--username <name>', 'local TechPass ID, for people without an integrated identity provider')
  .requiredOption('--given-name <name>', 'first name')
  .requiredOption('--family-name <name>', 'last name')
  .option(
    '--password <password>',
    'initial password (at least 12 characters, not a common one); without it, the person is e-mailed a link to set one',
  )
  .addOption(new Option('--type <type>', 'account type').choices(['officer', 'vendor', 'temp', 'product', 'other']).default('officer'))
  .option('--totp-secret <base32>', 'pre-enrol a TOTP factor with this base32 seed')
  .option('--platform-admin', 'make the account a platform administrator', false)
  .option('--mobile <number>', 'mobile number with its country code (e.g. +65 9123 4567); unique across TechPass')
  .option('--department <name>', 'department')
  .option('--operation <operation>', 'business operation: onshore or offshore')
  .option('--reporting-officer <email>', "an offshore user's reporting officer (e-mail)")
  .option('--company-address <address>', "an offshore user's company address")
  .addOption(jsonOption)
  .action(
    async (options: {
      email: string;
      username?: string;
      givenName: string;
      familyName: string;
      password?: string;
      type: string;
      totpSecret?: string;
      platformAdmin: boolean;
      mobile?: string;
      department?: string;
      operation?: string;
      reportingOfficer?: string;
      companyAddress?: string;
      json?: boolean;
    }) =>
      withStoreAndIssuer(async (store, cfg) => {
        // Without a password the account could never sign in: the person chooses one by e-mailed link,
        // written in the transaction that creates the account (no account without its mail, nor the reverse).
        const sent: { link: { expiresAt: number } | null } = { link: null };
        const deps = administrationDeps(store, systemClock);
        const result = await createUser(
          {
            ...deps,
            transaction: (fn) =>
              store.transaction(async (tx) => {
                const made = await fn(tx);
                const created = made as Awaited<ReturnType<typeof createUser>>;
                if (created.ok && !created.value.hasPassword) {
                  sent.link = await sendSetPasswordLink(
                    { resets: tx.passwordResets, outbox: tx.outbox, audit: tx.audit, clock: systemClock, publicUrl: cfg.PUBLIC_URL },
                    created.value,
                    cliActor(),
                  );
                }
                return made;
              }),
          },
          cliActor(),
          options,
        );
        if (!result.ok) throw CommandError.from(result);
        const u = result.value;
        const link = sent.link;
        answer(
          Boolean(options.json),
          {
            id: u.id,
            email: u.email,
            username: u.username,
            techpassId: techpassId(u),
            type: u.accountType,
            status: u.status,
            totp: Boolean(options.totpSecret),
            platformAdmin: u.platformRole === 'admin',
            setPasswordLinkSent: link !== null,
            ...(link ? { setPasswordLinkExpiresAt: new Date(link.expiresAt).toISOString() } : {}),
            ...(u.profile.mobile ? { mobile: u.profile.mobile } : {}),
            ...(u.profile.department ? { department: u.profile.department } : {}),
            ...(u.profile.businessOperation ? { operation: u.profile.businessOperation } : {}),
          },
          [
            `created ${u.accountType} account ${techpassId(u)} (${u.id})`,
            ...(link ? [`e-mailed ${u.email} a link to set the password (works once, until ${new Date(link.expiresAt).toISOString()})`] : []),
          ].join('\n'),
        );
      }),
  );

registerClearRiskCommand(user);
registerResetMfaCommand(user);
registerSetStatusCommand(user);
registerInviteCommand(user);
registerUserManagementCommands(user);

const audit = program.command('audit').description('the audit log');
audit
  .command('verify')
  .description('check the hash chain of the whole audit log')
  .addOption(jsonOption)
  .action(async (options: { json?: boolean }) =>
    withStore(async (store) => {
      const check = await store.audit.verify();
      if (!check.ok) throw new CommandError(`audit log broken at event ${check.brokenAt}: ${check.reason}`, 'audit.broken');
      answer(Boolean(options.json), { ok: true, events: check.count }, `audit log intact: ${check.count} events`);
    }),
  );

// keys list, audit list|export, signins list: through the management API (--server or the local database).
registerObservationCommands(program, keys, audit);

program
  .command('outbox')
  .description('show the newest messages (mail and SMS) in the local outbox')
  .option('--to <email>', 'only messages to this address (or E.164 number)')
  .option('--limit <n>', 'how many', '10')
  .addOption(jsonOption)
  .action(async (options: { to?: string; limit: string; json?: boolean }) =>
    withStore(async (store) => {
      const messages = await store.outbox.recent(Math.min(Math.max(Number(options.limit) || 10, 1), 200), options.to);
      answer(
        Boolean(options.json),
        { messages },
        messages.length
          ? messages
              .map((m) =>
                m.channel === 'sms'
                  ? `── ${new Date(m.createdAt).toISOString()}  SMS to ${m.to}\n\n${m.text}\n`
                  : `── ${new Date(m.createdAt).toISOString()}  to ${m.to}\n   ${m.subject}\n\n${m.text}\n`,
              )
              .join('\n')
          : 'the outbox is empty',
      );
    }),
  );

/** `techpass user create` for `user create --email …`: the deepest command the words name. */
function commandPathOf(args: string[]): string {
  const path = ['techpass'];
  let command: Command = program;
  for (const word of args) {
    if (word.startsWith('-')) break;
    const sub = command.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!sub) break;
    path.push(sub.name());
    command = sub;
  }
  return path.join(' ');
}

export async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    const e = error as { code?: string; exitCode?: number };
    if (typeof e.code === 'string' && e.code.startsWith('commander.')) {
      // Help and version are not errors. A command that needs a subcommand shows its help (commander prints it).
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
      if (e.code === 'commander.help') return e.exitCode ?? 1;
      return answerUsageError(json, (error as Error).message, commandPathOf(argv.slice(2)));
    }
    return answerError(json, error);
  }
}
