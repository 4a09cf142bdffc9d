/**
 * `techpass login | logout | whoami`: a person signs the CLI in to a TechPass server
 * with the device authorization grant (RFC 8628), then administrative commands work
 * on that server through its API with their role (`--server`, management-client.ts).
 *
 * - `login --server URL`: shows the verification URL and the code (and the URL with the
 *   code in it); the person approves in a browser with their MFA; the CLI polls, then
 *   keeps the tokens in a 0600 file (credentials.ts) and remembers the server as the
 *   default. With --json the instructions are one JSON line on stderr and the answer
 *   JSON on stdout. Without --server: the remembered default, else TECHPASS_SERVER.
 * - `logout [--server URL]`: revokes the tokens at the server and forgets them.
 * - `whoami [--server URL]`: who the stored token acts for (GET /api/v1/me).
 */
import { Option, type Command } from 'commander';
import { chosenServer, credentialsPath, readCredentials, updateServer } from '../credentials.js';
import { withManagementClient } from '../management-client.js';
import { credentialsFrom, discover, pollForTokens, revoke, startDeviceAuthorization } from '../oauth-client.js';
import { answer, CommandError } from '../output.js';
import { jsonOption } from './context.js';

interface Me {
  userId: string;
  email: string;
  role: string;
  adminOf: string[];
}

const serverFlag = (what: string) => new Option('--server <url>', `the TechPass server (default: ${what})`);

/** The server a login command is about: --server, else the remembered default, else TECHPASS_SERVER. */
function serverFor(option: string | undefined): string {
  if (option !== undefined) return chosenServer(option)!;
  const remembered = readCredentials().default;
  if (remembered) return remembered;
  const fromEnv = chosenServer(undefined);
  if (fromEnv) return fromEnv;
  throw new CommandError('which server? give --server URL (no server is remembered yet)', 'input.invalid', 'server');
}

const describeMe = (me: Me) =>
  `${me.email} (${me.role === 'platform_admin' ? 'platform admin' : me.adminOf.length ? `admin of ${me.adminOf.join(', ')}` : 'user'})`;

export function registerLoginCommands(program: Command): void {
  program
    .command('login')
    .description('sign in to a TechPass server from this terminal (device authorization grant): approve in a browser with your MFA')
    .addOption(serverFlag('the server signed in to last, else TECHPASS_SERVER'))
    .addOption(jsonOption())
    .action(async (options: { server?: string; json?: boolean }) => {
      const server = serverFor(options.server);
      const metadata = await discover(server);
      const start = await startDeviceAuthorization(server, metadata);
      const instructions = {
        verificationUri: start.verification_uri,
        userCode: start.user_code,
        verificationUriComplete: start.verification_uri_complete ?? null,
        expiresIn: start.expires_in,
      };
      if (options.json) process.stderr.write(`${JSON.stringify(instructions)}\n`);
      else {
        process.stdout.write(
          [
            `To sign in to ${server}, open ${start.verification_uri} in a browser and enter the code:`,
            '',
            `    ${start.user_code}`,
            '',
            ...(start.verification_uri_complete ? [`(or open ${start.verification_uri_complete})`] : []),
            `Waiting for you to approve (the code expires in ${Math.round(start.expires_in / 60)} minutes)…`,
            '',
          ].join('\n'),
        );
      }
      const tokens = await pollForTokens(metadata, server, start);
      updateServer(server, credentialsFrom(tokens, metadata, null), { makeDefault: true });
      const me = await withManagementClient({ server }, async (client) => (await client.call<Me>('GET', '/me')).body);
      updateServer(server, { ...readCredentials().servers[server]!, email: me.email }, { makeDefault: true });
      answer(
        Boolean(options.json),
        { server, email: me.email, role: me.role, adminOf: me.adminOf, credentials: credentialsPath() },
        `signed in to ${server} as ${describeMe(me)}; ${server} is now the default for --server`,
      );
    });

  program
    .command('logout')
    .description('sign out of a TechPass server: revoke the tokens there and forget them here')
    .addOption(serverFlag('the server signed in to last'))
    .addOption(jsonOption())
    .action(async (options: { server?: string; json?: boolean }) => {
      const server = serverFor(options.server);
      const entry = readCredentials().servers[server];
      if (!entry) throw new CommandError(`not signed in to ${server}`, 'login.required', 'server');
      const revoked = await revoke(entry);
      const left = updateServer(server, null);
      answer(
        Boolean(options.json),
        { server, signedOut: true, revoked, default: left.default },
        `signed out of ${server}${revoked ? '' : ' (the server could not be told: the tokens expire on their own)'}`,
      );
    });

  program
    .command('whoami')
    .description('who this terminal is signed in as on a TechPass server (its API, GET /api/v1/me)')
    .addOption(serverFlag('the server signed in to last'))
    .addOption(jsonOption())
    .action(async (options: { server?: string; json?: boolean }) => {
      const server = serverFor(options.server);
      const me = await withManagementClient({ server }, async (client) => (await client.call<Me>('GET', '/me')).body);
      answer(Boolean(options.json), { server, ...me }, `${describeMe(me)} on ${server}`);
    });
}
