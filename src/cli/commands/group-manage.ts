/**
 * `techpass group list|show|update|delete|remove-member` (create and add-member: group.ts), `app cert list|remove` and
 * `app unassign`: through the management API (management-client.ts), locally as the
 * operator or, with `--server`, as the signed-in person. The API's refusals come back
 * as CommandErrors; their fields are renamed to the flags typed here.
 */
import type { Command } from 'commander';
import { ErrorCodes } from '../../contracts/errors.js';
import { allApiPages, serverOption, withManagementClient, type ManagementClient } from '../management-client.js';
import { answer, CommandError } from '../output.js';
import { exactlyOne, jsonOption } from './context.js';

export interface GroupBody {
  id: string;
  namespace: string;
  name: string;
  qualifiedName: string;
  description: string;
  createdAt: number;
}
export interface MemberBody {
  type: 'user' | 'group';
  id: string;
  name: string;
  email: string | null;
  since: number;
}
interface CertificateBody {
  id: string;
  x5tS256: string;
  x5t: string;
  subject: string;
  notBefore: number;
  expiresAt: number;
  createdAt: number;
}

const iso = (ms: number) => new Date(ms).toISOString();
const groupJson = (g: GroupBody) => ({ ...g, createdAt: iso(g.createdAt) });
const memberJson = (m: MemberBody) => ({ ...m, since: iso(m.since) });
const certificateJson = (c: CertificateBody) => ({ ...c, notBefore: iso(c.notBefore), expiresAt: iso(c.expiresAt), createdAt: iso(c.createdAt) });
const memberLine = (m: MemberBody) => (m.type === 'user' ? `user   ${m.email}  ${m.name}  (${m.id})` : `group  ${m.name}  (${m.id})`);

const seg = encodeURIComponent;
export const groupPath = (o: { namespace: string; group: string }) => `/namespaces/${seg(o.namespace)}/groups/${seg(o.group)}`;
const appPath = (o: { namespace: string; app: string }) => `/namespaces/${seg(o.namespace)}/applications/${seg(o.app)}`;

/** Runs `fn` with a client; a refusal naming one of the API's fields names the flag instead. */
export async function viaApi<T>(server: string | undefined, flags: Record<string, string>, fn: (client: ManagementClient) => Promise<T>): Promise<T> {
  try {
    return await withManagementClient({ server }, fn);
  } catch (error) {
    if (error instanceof CommandError && error.field && flags[error.field]) throw new CommandError(error.message, error.code, flags[error.field]);
    throw error;
  }
}

const COMMON = { clientId: 'app', namespace: 'namespace' };

export function registerGroupManagementCommands(group: Command): void {
  group
    .command('list')
    .description("a namespace's groups, by name")
    .requiredOption('--namespace <name>', 'the namespace')
    .option('--filter <text>', 'only groups whose name or description contains this')
    .addOption(serverOption())
    .addOption(jsonOption())
    .action(async (options: { namespace: string; filter?: string; server?: string; json?: boolean }) => {
      const all = await viaApi(options.server, { ...COMMON, q: 'filter' }, (client) =>
        allApiPages<GroupBody>(client, `/namespaces/${seg(options.namespace)}/groups`, { q: options.filter }),
      );
      answer(
        Boolean(options.json),
        all.map(groupJson),
        all.length ? all.map((g) => `${g.qualifiedName}  ${g.description}`.trim()).join('\n') : `namespace ${options.namespace} has no groups`,
      );
    });

  group
    .command('show')
    .description('one group and its direct members')
    .requiredOption('--namespace <name>', 'namespace that owns it')
    .requiredOption('--group <name>', 'the group (<group> or <namespace>:<group>)')
    .addOption(serverOption())
    .addOption(jsonOption())
    .action(async (options: { namespace: string; group: string; server?: string; json?: boolean }) => {
      const { shown, members } = await viaApi(options.server, COMMON, async (client) => ({
        shown: (await client.call<GroupBody>('GET', groupPath(options))).body,
        members: (await client.call<{ items: MemberBody[] }>('GET', `${groupPath(options)}/members`)).body.items,
      }));
      answer(
        Boolean(options.json),
        { ...groupJson(shown), members: members.map(memberJson) },
        [`${shown.qualifiedName}  (${shown.id})`, shown.description, 'members:', ...(members.length ? members.map(memberLine) : ['none'])].join('\n'),
      );
    });

  group
    .command('update')
    .description('rename a group or change its description (its members and assignments stay)')
    .requiredOption('--namespace <name>', 'namespace that owns it')
    .requiredOption('--group <name>', 'the group (<group> or <namespace>:<group>)')
    .option('--name <group>', 'the new short name')
    .option('--description <text>', 'the new description')
    .addOption(serverOption())
    .addOption(jsonOption())
    .action(async (options: { namespace: string; group: string; name?: string; description?: string; server?: string; json?: boolean }) => {
      if (options.name === undefined && options.description === undefined) {
        throw new CommandError('nothing to change: give --name or --description', ErrorCodes.inputInvalid, 'name');
      }
      const changes = { name: options.name, description: options.description };
      const updated = await viaApi(options.server, COMMON, async (client) => {
        const read = await client.call<GroupBody>('GET', groupPath(options));
        return (await client.call<GroupBody>('PATCH', groupPath(options), { body: changes, ifMatch: read.etag })).body;
      });
      answer(Boolean(options.json), groupJson(updated), `updated ${updated.qualifiedName}: ${updated.description}`);
    });

  group
    .command('delete')
    .description('delete a group: its memberships and its assignments to applications go with it')
    .requiredOption('--namespace <name>', 'namespace that owns it')
    .requiredOption('--group <name>', 'the group (<group> or <namespace>:<group>)')
    .addOption(serverOption())
    .addOption(jsonOption())
    .action(async (options: { namespace: string; group: string; server?: string; json?: boolean }) => {
      const deleted = await viaApi(options.server, COMMON, async (client) => {
        const read = await client.call<GroupBody>('GET', groupPath(options));
        await client.call('DELETE', groupPath(options), { ifMatch: read.etag });
        return read.body;
      });
      answer(
        Boolean(options.json),
        { deleted: true, id: deleted.id, name: deleted.qualifiedName },
        `deleted group ${deleted.qualifiedName} (${deleted.id})`,
      );
    });

  group
    .command('remove-member')
    .description('take a user, or a nested group, out of a group')
    .requiredOption('--namespace <name>', 'namespace that owns the group')
    .requiredOption('--group <name>', 'the group (<group> or <namespace>:<group>)')
    .option('--user <id-or-email>', "the user's id or e-mail")
    .option('--member-group <name>', 'the nested group to take out')
    .addOption(serverOption())
    .addOption(jsonOption())
    .action(async (options: { namespace: string; group: string; user?: string; memberGroup?: string; server?: string; json?: boolean }) => {
      exactlyOne(['user', options.user], ['member-group', options.memberGroup]);
      const [kind, id, flag] = options.user !== undefined ? ['users', options.user, 'user'] : ['groups', options.memberGroup!, 'memberGroup'];
      const removed = await viaApi(
        options.server,
        { ...COMMON, id: flag },
        async (client) => (await client.call<MemberBody>('DELETE', `${groupPath(options)}/members/${kind}/${seg(id)}`)).body,
      );
      answer(
        Boolean(options.json),
        { removed: true, group: options.group, member: memberJson(removed) },
        `removed ${removed.type} ${removed.email ?? removed.name} from ${options.group}`,
      );
    });
}

export function registerAppAccessCommands(app: Command, cert: Command): void {
  cert
    .command('list')
    .description("an application's certificates: thumbprint (x5t#S256), subject, validity")
    .requiredOption('--namespace <name>', 'namespace that owns the application')
    .requiredOption('--app <client-id>', 'the application (client id)')
    .addOption(serverOption())
    .addOption(jsonOption())
    .action(async (options: { namespace: string; app: string; server?: string; json?: boolean }) => {
      const certificates = await viaApi(
        options.server,
        COMMON,
        async (client) => (await client.call<{ items: CertificateBody[] }>('GET', `${appPath(options)}/certificates`)).body.items,
      );
      answer(
        Boolean(options.json),
        certificates.map(certificateJson),
        certificates.length
          ? certificates.map((c) => `${c.id}  x5t#S256 ${c.x5tS256}  ${c.subject}  valid ${iso(c.notBefore)} to ${iso(c.expiresAt)}`).join('\n')
          : `${options.app} has no certificates`,
      );
    });

  cert
    .command('remove')
    .description('remove a certificate: its client assertions are refused at once on this node, on every node within KEY_REFRESH_SECONDS')
    .requiredOption('--namespace <name>', 'namespace that owns the application')
    .requiredOption('--app <client-id>', 'the application (client id)')
    .requiredOption('--cert-id <id>', 'the certificate (its id, from `app cert list`)')
    .addOption(serverOption())
    .addOption(jsonOption())
    .action(async (options: { namespace: string; app: string; certId: string; server?: string; json?: boolean }) => {
      const removed = await viaApi(
        options.server,
        { ...COMMON, certificateId: 'certId' },
        async (client) => (await client.call<CertificateBody>('DELETE', `${appPath(options)}/certificates/${seg(options.certId)}`)).body,
      );
      answer(
        Boolean(options.json),
        { removed: true, ...certificateJson(removed) },
        `removed certificate ${removed.id} (x5t#S256 ${removed.x5tS256})`,
      );
    });

  app
    .command('unassign')
    .description('take a user or a group off an application (what "user assignment required" checks)')
    .requiredOption('--namespace <name>', 'namespace that owns the application')
    .requiredOption('--app <client-id>', 'the application (client id)')
    .option('--user <id-or-email>', "the user's id or e-mail")
    .option('--group <name>', 'a group of the namespace (<group> or <namespace>:<group>)')
    .addOption(serverOption())
    .addOption(jsonOption())
    .action(async (options: { namespace: string; app: string; user?: string; group?: string; server?: string; json?: boolean }) => {
      exactlyOne(['user', options.user], ['group', options.group]);
      const [kind, id, flag] = options.user !== undefined ? ['users', options.user, 'user'] : ['groups', options.group!, 'group'];
      const removed = await viaApi(
        options.server,
        { ...COMMON, id: flag },
        async (client) => (await client.call<MemberBody>('DELETE', `${appPath(options)}/assignments/${kind}/${seg(id)}`)).body,
      );
      answer(
        Boolean(options.json),
        { unassigned: true, clientId: options.app, assignee: memberJson(removed) },
        `unassigned ${removed.type} ${removed.email ?? removed.name} from ${options.app}`,
      );
    });
}
