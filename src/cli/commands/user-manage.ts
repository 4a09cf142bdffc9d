/**
 * `techpass user list|show|update|disable|enable|terminate|unlock|end-sessions` and
 * `user factor list|remove`: accounts through the management API (one request per
 * command, management-client.ts): on the local database as the operator, or with
 * `--server` as the person signed in, with their role. `--user` takes a TechPass ID
 * (e-mail or username) or a user id (`usr_…`). Times are ISO 8601 in --json.
 */
import { Option, type Command } from 'commander';
import { ErrorCodes } from '../../contracts/errors.js';
import { allApiPages, serverOption, withManagementClient, type ManagementClient } from '../management-client.js';
import { answer, CommandError } from '../output.js';
import { jsonOption } from './context.js';

interface UserView {
  id: string;
  email: string;
  username?: string | null;
  techpassId?: string;
  givenName: string;
  familyName: string;
  status: string;
  type?: string;
  locked?: boolean;
  lockedAt?: number | null;
  mobile?: string | null;
  createdAt?: number;
  updatedAt?: number;
  lastSignInAt?: number | null;
  [key: string]: unknown;
}
interface FactorView {
  id: string;
  type: string;
  label: string;
  createdAt: number;
  lastUsedAt: number | null;
}

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? ms : new Date(ms).toISOString());
const TIMES = ['lockedAt', 'createdAt', 'updatedAt', 'lastSignInAt'] as const;
const userJson = (u: UserView) => ({ ...u, ...Object.fromEntries(TIMES.filter((k) => k in u).map((k) => [k, iso(u[k] as number | null)])) });
const factorJson = (f: FactorView) => ({ ...f, createdAt: iso(f.createdAt), lastUsedAt: iso(f.lastUsedAt) });
const status = (s: string) => s.replace('_', ' ');
const userLine = (u: UserView) =>
  `${u.techpassId ?? u.email}  ${u.givenName} ${u.familyName}  ${status(u.status)}${u.locked ? '  (locked)' : ''}  (${u.id})`;

const STATUSES = ['pending', 'active', 'disabled', 'terminated', 'under_investigation', 'high_risk'];
const TYPES = ['officer', 'vendor', 'temp', 'product', 'other'];

/** The API names the account `userId`; here it is `--user`. */
async function asUserFlag<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof CommandError && error.field === 'userId') throw new CommandError(error.message, error.code, 'user');
    throw error;
  }
}

/** The account `--user` (or `flag`) names: a user id as it is, a TechPass ID by searching for it. */
export async function userIdOf(client: ManagementClient, user: string, flag = 'user'): Promise<string> {
  const wanted = user.trim().toLowerCase();
  if (/^usr_/.test(user.trim())) return user.trim();
  const found = await allApiPages<UserView>(client, '/users', { q: wanted });
  const match = found.find((u) => u.email === wanted || u.username === wanted || u.techpassId === wanted);
  if (!match) throw new CommandError(`no account ${wanted}`, ErrorCodes.userNotFound, flag);
  return match.id;
}

type Common = { user: string; server?: string; json?: boolean };
const userOption = () => new Option('--user <user>', 'the account: its TechPass ID (e-mail or username) or user id').makeOptionMandatory();

/** One command acting on one account: `--user`, `--server`, `--json`. */
function accountCommand(parent: Command, name: string, description: string): Command {
  return parent.command(name).description(description).addOption(userOption()).addOption(serverOption()).addOption(jsonOption());
}

/** POSTs `/users/{id}/{action}` and prints the account as it now is. */
function statusCommand(user: Command, action: 'disable' | 'enable' | 'terminate' | 'unlock', description: string, reasonRequired: boolean) {
  const command = accountCommand(user, action, description);
  if (reasonRequired) command.requiredOption('--reason <text>', 'why (kept in the audit log)');
  else command.option('--reason <text>', 'why (kept in the audit log)');
  command.action(async (options: Common & { reason?: string }) =>
    withManagementClient(options, async (client) => {
      const id = await userIdOf(client, options.user);
      const body = options.reason !== undefined ? { reason: options.reason } : {};
      const done = await asUserFlag(client.call<UserView>('POST', `/users/${encodeURIComponent(id)}/${action}`, { body }));
      const u = done.body;
      answer(Boolean(options.json), userJson(u), `${u.techpassId ?? u.email} is now ${status(u.status)}${u.locked ? ' (locked)' : ''}`);
    }),
  );
}

/** Profile flags, named as `user create` names them, and the API field each sets ('' clears an optional one). */
const PROFILE_FLAGS = [
  ['--email <email>', 'email', 'the e-mail address, the TechPass ID (platform admins; unique across TechPass)'],
  ['--given-name <name>', 'givenName', 'first name'],
  ['--family-name <name>', 'familyName', 'last name'],
  ['--mobile <number>', 'mobile', "mobile number with its country code (unique across TechPass); '' removes it"],
  ['--department <name>', 'department', "department; '' removes it"],
  ['--operation <operation>', 'businessOperation', "business operation: onshore or offshore; '' removes it"],
  ['--reporting-officer <email>', 'reportingOfficerEmail', "an offshore user's reporting officer (e-mail); '' removes it"],
  ['--company-address <address>', 'companyAddress', "an offshore user's company address; '' removes it"],
] as const;
const optionKey = (flag: string) => flag.slice(2, flag.indexOf(' ')).replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

export function registerUserManagementCommands(user: Command): void {
  user
    .command('list')
    .description('search accounts by e-mail, username, name, mobile or user id (tenant admins see e-mail, names and status only)')
    .option('--query <text>', 'part of an e-mail, username, name or mobile number, or a whole user id')
    .addOption(new Option('--status <status>', 'only accounts with this status').choices(STATUSES))
    .addOption(new Option('--type <type>', 'only accounts of this type').choices(TYPES))
    .addOption(serverOption())
    .addOption(jsonOption())
    .action(async (options: { query?: string; status?: string; type?: string; server?: string; json?: boolean }) =>
      withManagementClient(options, async (client) => {
        const all = await allApiPages<UserView>(client, '/users', { q: options.query, status: options.status, type: options.type });
        answer(Boolean(options.json), all.map(userJson), all.length ? all.map(userLine).join('\n') : 'no accounts match');
      }),
    );

  accountCommand(user, 'show', 'one account: identifiers, status, profile').action(async (options: Common) =>
    withManagementClient(options, async (client) => {
      const id = await userIdOf(client, options.user);
      const u = (await asUserFlag(client.call<UserView>('GET', `/users/${encodeURIComponent(id)}`))).body;
      const profile = ['mobile', 'agency', 'department', 'businessOperation', 'reportingOfficerEmail', 'companyAddress']
        .filter((k) => u[k] !== null && u[k] !== undefined)
        .map((k) => `  ${k}: ${String(u[k])}`);
      answer(
        Boolean(options.json),
        userJson(u),
        [userLine(u), `  type: ${u.type}`, `  last sign-in: ${iso(u.lastSignInAt) ?? 'never'}`, ...profile].join('\n'),
      );
    }),
  );

  const update = accountCommand(user, 'update', "change an account's profile (only the flags given; agency comes from the identity provider)");
  for (const [flag, , description] of PROFILE_FLAGS) update.option(flag, description);
  update.action(async (options: Common & Record<string, string | undefined>) =>
    withManagementClient(options, async (client) => {
      const changes: Record<string, string | null> = {};
      for (const [flag, field] of PROFILE_FLAGS) {
        const value = options[optionKey(flag)];
        if (value === undefined) continue;
        changes[field] = value === '' && !['email', 'givenName', 'familyName'].includes(field) ? null : value;
      }
      if (Object.keys(changes).length === 0) {
        throw new CommandError(
          `nothing to change: give at least one of ${PROFILE_FLAGS.map(([f]) => f.split(' ')[0]).join(', ')}`,
          ErrorCodes.inputInvalid,
        );
      }
      const id = await userIdOf(client, options.user);
      const path = `/users/${encodeURIComponent(id)}`;
      const current = await asUserFlag(client.call<UserView>('GET', path));
      const updated = await asUserFlag(client.call<UserView>('PATCH', path, { body: changes, ...(current.etag ? { ifMatch: current.etag } : {}) }));
      answer(
        Boolean(options.json),
        userJson(updated.body),
        `updated ${updated.body.techpassId ?? updated.body.email}: ${Object.keys(changes).join(', ')}`,
      );
    }),
  );

  statusCommand(user, 'disable', 'disable an account (it may not sign in; its sessions end; audited with the reason)', true);
  statusCommand(user, 'enable', 'enable a disabled account again', false);
  statusCommand(user, 'terminate', 'terminate an account: final, nothing changes a terminated account (audited with the reason)', true);
  statusCommand(user, 'unlock', 'unlock an account locked by wrong passwords or codes', false);

  accountCommand(user, 'end-sessions', 'sign a person out everywhere: every browser session, grant and refresh token ends')
    .option('--reason <text>', 'why (kept in the audit log)')
    .action(async (options: Common & { reason?: string }) =>
      withManagementClient(options, async (client) => {
        const id = await userIdOf(client, options.user);
        const body = options.reason !== undefined ? { reason: options.reason } : {};
        const ended = (
          await asUserFlag(
            client.call<{ userId: string; sessions: number; grants: number; logouts: number }>(
              'POST',
              `/users/${encodeURIComponent(id)}/end-sessions`,
              { body },
            ),
          )
        ).body;
        answer(
          Boolean(options.json),
          ended,
          `ended ${ended.sessions} session(s) and ${ended.grants} grant(s) of ${options.user}; ${ended.logouts} back-channel logout(s) queued`,
        );
      }),
    );

  const factor = user.command('factor').description("an account's second factors, one at a time");
  accountCommand(factor, 'list', 'the second factors of an account: type, name, created, last used (never a secret)').action(
    async (options: Common) =>
      withManagementClient(options, async (client) => {
        const id = await userIdOf(client, options.user);
        const { items } = (await asUserFlag(client.call<{ items: FactorView[] }>('GET', `/users/${encodeURIComponent(id)}/factors`))).body;
        answer(
          Boolean(options.json),
          items.map(factorJson),
          items.length
            ? items.map((f) => `${f.id}  ${f.type}  ${f.label}  created ${iso(f.createdAt)}  last used ${iso(f.lastUsedAt) ?? 'never'}`).join('\n')
            : `${options.user} has no second factor`,
        );
      }),
  );
  accountCommand(factor, 'remove', 'remove one second factor (the person is e-mailed and signed out everywhere)')
    .requiredOption('--factor-id <id>', 'the factor (from `user factor list`)')
    .action(async (options: Common & { factorId: string }) =>
      withManagementClient(options, async (client) => {
        const id = await userIdOf(client, options.user);
        const path = `/users/${encodeURIComponent(id)}/factors/${encodeURIComponent(options.factorId)}`;
        const removed = (await asUserFlag(client.call<FactorView>('DELETE', path))).body;
        answer(Boolean(options.json), factorJson(removed), `removed ${removed.type} ${removed.label} (${removed.id}) from ${options.user}`);
      }),
    );
}
