/**
 * `techpass namespace list|show|update|delete` and `namespace admin list|add|remove`
 * on the local database: the management API's flows (flows/namespace-management.ts)
 * as the operator, so the rules (a namespace is deleted only when empty, its last
 * admin stays) and the audit (before and after) are the API's own.
 */
import type { Command } from 'commander';
import { operatorCaller } from '../../domain/authorization.js';
import type { Namespace } from '../../domain/directory.js';
import type { NamespaceAdmin } from '../../domain/repositories.js';
import {
  addNamespaceAdmin,
  deleteNamespace,
  listNamespaceAdmins,
  listNamespaces,
  removeNamespaceAdmin,
  showNamespace,
  updateNamespace,
} from '../../flows/namespace-management.js';
import { systemClock } from '../../platform/clock.js';
import type { Store } from '../../persistence/store.js';
import { administrationDeps } from '../demo.js';
import { answer, CommandError } from '../output.js';
import { allPages, cliActor, jsonOption, withStore } from './context.js';

const iso = (ms: number) => new Date(ms).toISOString();

const namespaceJson = (n: Namespace) => ({
  name: n.name,
  displayName: n.displayName,
  description: n.description,
  directoryId: n.directoryId,
  createdAt: iso(n.createdAt),
});

const adminJson = (a: NamespaceAdmin) => ({
  userId: a.userId,
  email: a.email,
  givenName: a.givenName,
  familyName: a.familyName,
  since: iso(a.since),
});
const adminLines = (admins: NamespaceAdmin[]) =>
  admins.length ? admins.map((a) => `${a.email}  ${a.givenName} ${a.familyName}  (${a.userId})`).join('\n') : 'no admins';

export function registerNamespaceManagementCommands(namespace: Command): void {
  const deps = (store: Store) => administrationDeps(store, systemClock);
  const operator = () => operatorCaller(cliActor());

  namespace
    .command('list')
    .description('every namespace, by name')
    .addOption(jsonOption())
    .action(async (options: { json?: boolean }) =>
      withStore(async (store) => {
        const all = await allPages((cursor) => listNamespaces(deps(store), operator(), { cursor, limit: 100 }));
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
    .addOption(jsonOption())
    .action(async (options: { name: string; json?: boolean }) =>
      withStore(async (store) => {
        const found = await showNamespace(deps(store), operator(), options.name);
        if (!found.ok) throw CommandError.from(found);
        const admins = await listNamespaceAdmins(deps(store), operator(), options.name);
        if (!admins.ok) throw CommandError.from(admins);
        const n = found.value;
        answer(
          Boolean(options.json),
          { ...namespaceJson(n), admins: admins.value.map(adminJson) },
          `${n.name}: ${n.displayName}\n${n.description}\ndirectory ${n.directoryId}\nadmins:\n${adminLines(admins.value)}`,
        );
      }),
    );

  namespace
    .command('update')
    .description("change a namespace's display name or description")
    .requiredOption('--name <name>', 'the namespace')
    .option('--display-name <text>', 'name shown to people')
    .option('--description <text>', 'what the tenant is')
    .addOption(jsonOption())
    .action(async (options: { name: string; displayName?: string; description?: string; json?: boolean }) =>
      withStore(async (store) => {
        if (options.displayName === undefined && options.description === undefined) {
          throw new CommandError('nothing to change: give --display-name or --description', 'input.invalid');
        }
        const updated = await updateNamespace(deps(store), operator(), {
          namespace: options.name,
          changes: { displayName: options.displayName, description: options.description },
          precondition: undefined,
        });
        if (!updated.ok) throw CommandError.from(updated);
        answer(Boolean(options.json), namespaceJson(updated.value), `updated namespace ${updated.value.name}`);
      }),
    );

  namespace
    .command('delete')
    .description('delete a namespace: only when it has no applications and no groups')
    .requiredOption('--name <name>', 'the namespace')
    .addOption(jsonOption())
    .action(async (options: { name: string; json?: boolean }) =>
      withStore(async (store) => {
        const deleted = await deleteNamespace(deps(store), operator(), { namespace: options.name, precondition: undefined });
        if (!deleted.ok) throw CommandError.from(deleted);
        answer(Boolean(options.json), { deleted: true, name: deleted.value.name }, `deleted namespace ${deleted.value.name}`);
      }),
    );

  const admin = namespace.command('admin').description("a namespace's admins (tenant admins)");
  admin
    .command('list')
    .description("a namespace's admins")
    .requiredOption('--namespace <name>', 'the namespace')
    .addOption(jsonOption())
    .action(async (options: { namespace: string; json?: boolean }) =>
      withStore(async (store) => {
        const admins = await listNamespaceAdmins(deps(store), operator(), options.namespace);
        if (!admins.ok) throw CommandError.from(admins);
        answer(Boolean(options.json), admins.value.map(adminJson), adminLines(admins.value));
      }),
    );

  admin
    .command('add')
    .description('make a person an admin of the namespace (by e-mail)')
    .requiredOption('--namespace <name>', 'the namespace')
    .requiredOption('--email <email>', 'the person (their TechPass account)')
    .addOption(jsonOption())
    .action(async (options: { namespace: string; email: string; json?: boolean }) =>
      withStore(async (store) => {
        const added = await addNamespaceAdmin(deps(store), operator(), { namespace: options.namespace, email: options.email });
        if (!added.ok) throw CommandError.from(added);
        answer(
          Boolean(options.json),
          { added: added.value.added, admins: added.value.admins.map(adminJson) },
          added.value.added
            ? `${options.email} is now an admin of ${options.namespace}`
            : `${options.email} was already an admin of ${options.namespace}`,
        );
      }),
    );

  admin
    .command('remove')
    .description('remove an admin from the namespace (never the last one)')
    .requiredOption('--namespace <name>', 'the namespace')
    .requiredOption('--email <email>', 'the admin to remove')
    .addOption(jsonOption())
    .action(async (options: { namespace: string; email: string; json?: boolean }) =>
      withStore(async (store) => {
        const person = await store.users.findByLogin(options.email);
        if (!person) throw new CommandError(`no account with e-mail ${options.email}`, 'user.not_found', 'email');
        const removed = await removeNamespaceAdmin(deps(store), operator(), { namespace: options.namespace, userId: person.id });
        if (!removed.ok) throw CommandError.from(removed);
        answer(
          Boolean(options.json),
          { removed: true, admins: removed.value.map(adminJson) },
          `${options.email} is no longer an admin of ${options.namespace}`,
        );
      }),
    );
}
