/** `techpass group …`: a namespace's groups (at most 50) and their members. */
import type { Command } from 'commander';
import { addGroupMember, createGroup } from '../../flows/groups.js';
import { systemClock } from '../../platform/clock.js';
import { administrationDeps } from '../demo.js';
import { answer, CommandError } from '../output.js';
import { cliActor, exactlyOne, jsonOption, withStore } from './context.js';
import { registerGroupManagementCommands } from './group-manage.js';

export function registerGroupCommands(program: Command): void {
  const group = program.command('group').description("a namespace's groups, named <namespace>:<group>");
  registerGroupManagementCommands(group);

  group
    .command('create')
    .description('create a group (at most 50 per namespace)')
    .requiredOption('--namespace <name>', 'namespace that owns it')
    .requiredOption('--name <group>', 'short name (lower-case), shown to applications as <namespace>:<group>')
    .option('--description <text>', 'what the group is for', '')
    .addOption(jsonOption())
    .action(async (options: { namespace: string; name: string; description: string; json?: boolean }) =>
      withStore(async (store) => {
        const result = await createGroup(administrationDeps(store, systemClock), cliActor(), options);
        if (!result.ok) throw CommandError.from(result);
        const { group: created, qualifiedName } = result.value;
        answer(
          Boolean(options.json),
          { id: created.id, name: qualifiedName, namespace: options.namespace },
          `created group ${qualifiedName} (${created.id})`,
        );
      }),
    );

  group
    .command('add-member')
    .description('add a user, or another group, to a group')
    .requiredOption('--namespace <name>', 'namespace that owns the group')
    .requiredOption('--group <name>', 'the group (<group> or <namespace>:<group>)')
    .option('--user <techpass-id>', "the user's TechPass ID (e-mail or local username)")
    .option('--member-group <name>', 'a group of the same namespace to nest inside --group')
    .addOption(jsonOption())
    .action(async (options: { namespace: string; group: string; user?: string; memberGroup?: string; json?: boolean }) => {
      exactlyOne(['user', options.user], ['member-group', options.memberGroup]);
      const member = options.user !== undefined ? { user: options.user } : { memberGroup: options.memberGroup! };
      await withStore(async (store) => {
        const result = await addGroupMember(administrationDeps(store, systemClock), cliActor(), {
          namespace: options.namespace,
          group: options.group,
          member,
        });
        if (!result.ok) throw CommandError.from(result);
        const { qualifiedName, member: added, added: isNew } = result.value;
        answer(
          Boolean(options.json),
          { group: qualifiedName, member: { type: added.type, id: added.id, name: added.name }, added: isNew },
          isNew ? `added ${added.type} ${added.name} to ${qualifiedName}` : `${added.type} ${added.name} was already in ${qualifiedName}`,
        );
      });
    });
}
