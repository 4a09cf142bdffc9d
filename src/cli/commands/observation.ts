/**
 * `techpass keys list`, `audit list|export` and `signins list`: the platform's records
 * through the management API (management-client.ts), on the local database as the
 * operator or on a server (`--server`) with the signed-in person's role. Times are
 * ISO 8601 in and out (`--from 2026-12-01`, `--to 2026-12-01T08:00:00Z`); the API's
 * milliseconds become ISO strings in `--json`.
 */
import type { Command } from 'commander';
import { ErrorCodes } from '../../contracts/errors.js';
import { answer, CommandError } from '../output.js';
import { serverOption, withManagementClient, type ApiRequest, type ManagementClient } from '../management-client.js';
import { jsonOption, parseWholeNumber } from './context.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

interface SigningKey {
  kid: string;
  alg: string;
  state: string;
  createdAt: number;
  activatedAt: number | null;
  retiredAt: number | null;
  publishUntil: number | null;
}
interface AuditEvent {
  seq: number;
  occurredAt: number;
  actor: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  namespace: string | null;
  [key: string]: unknown;
}
interface SignIn {
  occurredAt: number;
  userId: string | null;
  login: string | null;
  clientId: string | null;
  namespace: string | null;
  ip: string | null;
  factors: string[];
  result: string;
  reason: string | null;
  correlationId: string | null;
  [key: string]: unknown;
}

const keyJson = (k: SigningKey) => ({
  ...k,
  createdAt: iso(k.createdAt),
  activatedAt: iso(k.activatedAt),
  retiredAt: iso(k.retiredAt),
  publishUntil: iso(k.publishUntil),
});
const keyLine = (k: SigningKey) =>
  `${k.kid}  ${k.alg}  ${k.state}  created ${iso(k.createdAt)}` +
  (k.activatedAt ? `  signing since ${iso(k.activatedAt)}` : '') +
  (k.retiredAt ? `  retired ${iso(k.retiredAt)}` : '') +
  (k.publishUntil ? `  published until ${iso(k.publishUntil)}` : '');

const eventJson = (e: AuditEvent) => ({ ...e, occurredAt: iso(e.occurredAt) });
const eventLine = (e: AuditEvent) =>
  `${iso(e.occurredAt)}  #${e.seq}  ${e.action}  by ${e.actor}` +
  (e.targetId ? `  ${e.targetType ?? 'target'} ${e.targetId}` : '') +
  (e.namespace ? `  [${e.namespace}]` : '');

const signInJson = (s: SignIn) => ({ ...s, occurredAt: iso(s.occurredAt) });
const signInLine = (s: SignIn) =>
  `${iso(s.occurredAt)}  ${s.result}${s.reason ? ` (${s.reason})` : ''}  ${s.login ?? s.userId ?? '-'}  ` +
  `${s.clientId ?? '-'}${s.namespace ? ` [${s.namespace}]` : ''}  ${s.ip ?? '-'}  ${s.factors.join('+') || '-'}  ${s.correlationId ?? ''}`.trimEnd();

/** `--limit`: a whole number from 1 (default 50). */
function limitOf(value: string | undefined): number {
  const limit = parseWholeNumber(value, '--limit', 'limit') ?? 50;
  if (limit < 1) throw new CommandError('--limit must be at least 1', ErrorCodes.inputInvalid, 'limit');
  return limit;
}

/** Up to `limit` items of a paged listing, newest first: as many pages as it takes. */
async function firstItems<T>(client: ManagementClient, path: string, query: ApiRequest['query'], limit: number): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.call<{ items: T[]; nextCursor: string | null }>('GET', path, {
      query: { ...query, limit: Math.min(limit - items.length, 200), cursor },
    });
    items.push(...page.body.items);
    cursor = page.body.nextCursor ?? undefined;
  } while (cursor && items.length < limit);
  return items;
}

interface AuditOptions {
  from?: string;
  to?: string;
  actor?: string;
  action?: string;
  namespace?: string;
  target?: string;
  server?: string;
  json?: boolean;
}
const auditQuery = (o: AuditOptions) => ({ from: o.from, to: o.to, actor: o.actor, action: o.action, namespace: o.namespace, target: o.target });

function auditFilters(command: Command): Command {
  return command
    .option('--from <time>', 'from this time (ISO 8601 date or date-time), inclusive')
    .option('--to <time>', 'until this time (ISO 8601), exclusive')
    .option('--actor <id>', 'who acted: a user id, cli:<user>, system, anonymous')
    .option('--action <action>', 'e.g. application.updated')
    .option('--namespace <name>', "only this namespace's events")
    .option('--target <id>', "the target's id (a user id, a client id…)")
    .addOption(serverOption());
}

export function registerObservationCommands(program: Command, keys: Command, audit: Command): void {
  keys
    .command('list')
    .description('the signing keys: kid, algorithm, state (current, next, retired, expired) and dates; never a private part')
    .addOption(serverOption())
    .addOption(jsonOption())
    .action(async (options: { server?: string; json?: boolean }) =>
      withManagementClient(options, async (client) => {
        const items = (await client.call<{ items: SigningKey[] }>('GET', '/keys')).body.items;
        answer(Boolean(options.json), items.map(keyJson), items.length ? items.map(keyLine).join('\n') : 'no signing keys yet');
      }),
    );

  auditFilters(audit.command('list'))
    .description('audit events, newest first (a tenant admin sees their namespaces only)')
    .option('--limit <n>', 'at most this many events (default 50)')
    .addOption(jsonOption())
    .action(async (options: AuditOptions & { limit?: string }) =>
      withManagementClient(options, async (client) => {
        const limit = limitOf(options.limit);
        const events = await firstItems<AuditEvent>(client, '/audit', auditQuery(options), limit);
        answer(Boolean(options.json), events.map(eventJson), events.length ? events.map(eventLine).join('\n') : 'no matching audit events');
      }),
    );

  auditFilters(audit.command('export'))
    .description('every matching audit event in chain order, one JSON object a line (JSON lines) on stdout')
    .action(async (options: AuditOptions) =>
      withManagementClient(options, async (client) => {
        // A page at a time, written as it arrives: a long log never sits in memory.
        let cursor: string | undefined;
        do {
          const page = await client.call<{ items: AuditEvent[]; nextCursor: string | null }>('GET', '/audit', {
            query: { ...auditQuery(options), order: 'oldest', limit: 200, cursor },
          });
          if (page.body.items.length) process.stdout.write(page.body.items.map((e) => `${JSON.stringify(e)}\n`).join(''));
          cursor = page.body.nextCursor ?? undefined;
        } while (cursor);
      }),
    );

  const signins = program.command('signins').description('the sign-in log: every sign-in attempt, success or failure');
  signins
    .command('list')
    .description("sign-in attempts, newest first (a tenant admin sees their namespaces' applications only)")
    .option('--user <id-or-email>', 'one person: user id or e-mail address')
    .option('--app <client-id>', 'one application')
    .option('--namespace <name>', "one namespace's applications")
    .option('--result <result>', 'succeeded or failed')
    .option('--from <time>', 'from this time (ISO 8601 date or date-time), inclusive')
    .option('--to <time>', 'until this time (ISO 8601), exclusive')
    .option('--limit <n>', 'at most this many lines (default 50)')
    .addOption(serverOption())
    .addOption(jsonOption())
    .action(
      async (options: {
        user?: string;
        app?: string;
        namespace?: string;
        result?: string;
        from?: string;
        to?: string;
        limit?: string;
        server?: string;
        json?: boolean;
      }) =>
        withManagementClient(options, async (client) => {
          const limit = limitOf(options.limit);
          const query = {
            user: options.user,
            application: options.app,
            namespace: options.namespace,
            result: options.result,
            from: options.from,
            to: options.to,
          };
          const lines = await firstItems<SignIn>(client, '/sign-ins', query, limit);
          answer(Boolean(options.json), lines.map(signInJson), lines.length ? lines.map(signInLine).join('\n') : 'no matching sign-ins');
        }),
    );
}
