/**
 * `techpass namespace list|show|update|delete` and `namespace admin list|add|remove`:
 * requests to the management API (management-client.ts), on the local database as the
 * operator or, with `--server`, on a server as the person `techpass login` signed in;
 * the rules (a namespace is deleted only when empty, its last admin stays) and the
 * audit (before and after) are the API's own.
 */
import type { Command } from 'commander';
import { ErrorCodes } from '../../contracts/errors.js';
import { allApiPages, serverOption, withManagementClient, type ManagementClient } from '../management-client.js';
import { answer, CommandError } from '../output.js';
import { jsonOption } from './context.js';

/** A namespace and an admin as the API answers them (timestamps in ms). */
interface NamespaceView {
  id: string;
  name: string;
  displayName: string;
  description: string;
  directoryId: string;
  createdAt: number;
}

interface AdminView {
  userId: string;
  email: string;
  givenName: string;
  familyName: string;
  since: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

const namespaceJson = (n: NamespaceView) => ({
  name: n.name,
  displayName: n.displayName,
  description: n.description,
  directoryId: n.directoryId,
  createdAt: iso(n.createdAt),
});

const adminJson = (a: AdminView) => ({
  userId: a.userId,
  email: a.email,
  givenName: a.givenName,
  familyName: a.familyName,
  since: iso(a.since),
});
const adminLines = (admins: AdminView[]) =>
  admins.length ? admins.map((a) => `${a.email}  ${a.givenName} ${a.familyName}  (${a.userId})`).join('\n') : 'no admins';

const nsPath = (name: string) => `/namespaces/${encodeURIComponent(name)}`;
const admins = async (client: ManagementClient, namespace: string) =>
  (await client.call<{ items: AdminView[] }>('GET', `${nsPath(namespace)}/admins`)).body.items;

type Server = { server?: string | boolean; json?: boolean };

export function registerNamespaceManagementCommands(namespace: Command): void {
  namespace
    .command('list')
    .description('every namespace, by name (remotely: those you administer; every one for a platform admin)')
    .addOption(serverOption())
    .addOption(jsonOption())
    .action(async (options: Server) =>
      withManagementClient(options, async (client) => {
        const all = await allApiPages<NamespaceView>(client, '/namespaces');
        answer(
          Boolean(options.json),
          all.map(namespaceJson),
          all.length ? all.map((n) => `${n.name}  ${n.displayName}`).join('\n') : 'no namespaces',
        );
      }),
    );

  namespace
    .command('show')
    .description('one namespace and its admins')
    .requiredOption('--name <name>', 'the namespace')
    .addOption(serverOption())
    .addOption(jsonOption())
    .action(async (options: Server & { name: string }) =>
      withManagementClient(options, async (client) => {
        const n = (await client.call<NamespaceView>('GET', nsPath(options.name))).body;
        const list = await admins(client, options.name);
        answer(
          Boolean(options.json),
          { ...namespaceJson(n), admins: list.map(adminJson) },
          `${n.name}: ${n.displayName}\n${n.description}\ndirectory ${n.directoryId}\nadmins:\n${adminLines(list)}`,
        );
      }),
    );

  namespace
    .command('update')
    .description("change a namespace's display name or description")
    .requiredOption('--name <name>', 'the namespace')
    .option('--display-name <text>', 'name shown to people')
    .option('--description <text>', 'what the tenant is')
    .addOption(serverOption())
    .addOption(jsonOption())
    .action(async (options: Server & { name: string; displayName?: string; description?: string }) => {
      if (options.displayName === undefined && options.description === undefined) {
        throw new CommandError('nothing to change: give --display-name or --description', 'input.invalid');
      }
      await withManagementClient(options, async (client) => {
        const current = await client.call<NamespaceView>('GET', nsPath(options.name));
        const body = {
          ...(options.displayName === undefined ? {} : { displayName: options.displayName }),
          ...(options.description === undefined ? {} : { description: options.description }),
        };
        const updated = (
          await client.call<NamespaceView>('PATCH', nsPath(options.name), { body, ...(current.etag ? { ifMatch: current.etag } : {}) })
        ).body;
        answer(Boolean(options.json), namespaceJson(updated), `updated namespace ${updated.name}`);
      });
    });

  namespace
    .command('delete')
    .description('delete a namespace: only when it has no applications and no groups')
    .requiredOption('--name <name>', 'the namespace')
    .addOption(serverOption())
    .addOption(jsonOption())
    .action(async (options: Server & { name: string }) =>
      withManagementClient(options, async (client) => {
        const current = await client.call<NamespaceView>('GET', nsPath(options.name));
        await client.call('DELETE', nsPath(options.name), current.etag ? { ifMatch: current.etag } : {});
        answer(Boolean(options.json), { deleted: true, name: current.body.name }, `deleted namespace ${current.body.name}`);
      }),
    );

  const admin = namespace.command('admin').description("a namespace's admins (tenant admins)");
  admin
    .command('list')
    .description("a namespace's admins")
    .requiredOption('--namespace <name>', 'the namespace')
    .addOption(serverOption())
    .addOption(jsonOption())
    .action(async (options: Server & { namespace: string }) =>
      withManagementClient(options, async (client) => {
        const list = await admins(client, options.namespace);
        answer(Boolean(options.json), list.map(adminJson), adminLines(list));
      }),
    );

  admin
    .command('add')
    .description('make a person an admin of the namespace (by e-mail)')
    .requiredOption('--namespace <name>', 'the namespace')
    .requiredOption('--email <email>', 'the person (their TechPass account)')
    .addOption(serverOption())
    .addOption(jsonOption())
    .action(async (options: Server & { namespace: string; email: string }) =>
      withManagementClient(options, async (client) => {
        const added = await client.call<{ items: AdminView[] }>('POST', `${nsPath(options.namespace)}/admins`, { body: { email: options.email } });
        const isNew = added.status === 201;
        answer(
          Boolean(options.json),
          { added: isNew, admins: added.body.items.map(adminJson) },
          isNew ? `${options.email} is now an admin of ${options.namespace}` : `${options.email} was already an admin of ${options.namespace}`,
        );
      }),
    );

  admin
    .command('remove')
    .description('remove an admin from the namespace (never the last one)')
    .requiredOption('--namespace <name>', 'the namespace')
    .requiredOption('--email <email>', 'the admin to remove')
    .addOption(serverOption())
    .addOption(jsonOption())
    .action(async (options: Server & { namespace: string; email: string }) =>
      withManagementClient(options, async (client) => {
        const wanted = options.email.trim().toLowerCase();
        const found = (await admins(client, options.namespace)).find((a) => a.email.toLowerCase() === wanted);
        if (!found) throw new CommandError(`${options.email} is not an admin of ${options.namespace}`, ErrorCodes.namespaceAdminNotFound, 'email');
        const left = (await client.call<{ items: AdminView[] }>('DELETE', `${nsPath(options.namespace)}/admins/${encodeURIComponent(found.userId)}`))
          .body.items;
        answer(
          Boolean(options.json),
          { removed: true, admins: left.map(adminJson) },
          `${options.email} is no longer an admin of ${options.namespace}`,
        );
      }),
    );
}
