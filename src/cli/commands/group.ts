/**
 * `techpass group …`: a namespace's groups (at most 50) and their members, through the
 * management API (management-client.ts): locally as the operator, or with `--server`
 * as the signed-in person. list, show, update, delete and remove-member: group-manage.ts.
 */
import type { Command } from 'commander';
import { ErrorCodes } from '../../contracts/errors.js';
import { serverOption } from '../management-client.js';
import { answer, CommandError } from '../output.js';
import { exactlyOne, jsonOption } from './context.js';
import { groupPath, registerGroupManagementCommands, viaApi, type GroupBody, type MemberBody } from './group-manage.js';

export function registerGroupCommands(program: Command): void {
  const group = program.command('group').description("a namespace's groups, named <namespace>:<group>");
  registerGroupManagementCommands(group);

  group
    .command('create')
    .description('create a group (at most 50 per namespace)')
    .requiredOption('--namespace <name>', 'namespace that owns it')
    .requiredOption('--name <group>', 'short name (lower-case), shown to applications as <namespace>:<group>')
    .option('--description <text>', 'what the group is for', '')
    .addOption(serverOption())
    .addOption(jsonOption())
    .action(async (options: { namespace: string; name: string; description: string; server?: string; json?: boolean }) => {
      const created = await viaApi(
        options.server,
        {},
        async (client) =>
          (
            await client.call<GroupBody>('POST', `/namespaces/${encodeURIComponent(options.namespace)}/groups`, {
              body: { name: options.name, description: options.description },
            })
          ).body,
      );
      answer(
        Boolean(options.json),
        { id: created.id, name: created.qualifiedName, namespace: options.namespace },
        `created group ${created.qualifiedName} (${created.id})`,
      );
    });

  group
    .command('add-member')
    .description('add a user, or another group, to a group')
    .requiredOption('--namespace <name>', 'namespace that owns the group')
    .requiredOption('--group <name>', 'the group (<group> or <namespace>:<group>)')
    .option('--user <techpass-id>', "the user's TechPass ID (e-mail or local username)")
    .option('--member-group <name>', 'a group of the same namespace to nest inside --group')
    .addOption(serverOption())
    .addOption(jsonOption())
    .action(async (options: { namespace: string; group: string; user?: string; memberGroup?: string; server?: string; json?: boolean }) => {
      exactlyOne(['user', options.user], ['member-group', options.memberGroup]);
      const body = options.user !== undefined ? { email: options.user } : { group: options.memberGroup! };
      const { target, member, added } = await viaApi(options.server, {}, async (client) => {
        // The group first: a refusal naming `group` after this is about --member-group.
        const found = await client.call<GroupBody>('GET', groupPath(options));
        try {
          const done = await client.call<MemberBody>('POST', `${groupPath(options)}/members`, { body });
          return { target: found.body, member: done.body, added: done.status === 201 };
        } catch (error) {
          if (!(error instanceof CommandError)) throw error;
          const field = error.field === 'email' ? 'user' : error.field === 'group' ? 'memberGroup' : error.field;
          const message = error.code === ErrorCodes.userNotFound ? `no account with TechPass ID ${options.user}` : error.message;
          throw new CommandError(message, error.code, field);
        }
      });
      const name = member.email ?? member.name;
      answer(
        Boolean(options.json),
        { group: target.qualifiedName, member: { type: member.type, id: member.id, name }, added },
        added ? `added ${member.type} ${name} to ${target.qualifiedName}` : `${member.type} ${name} was already in ${target.qualifiedName}`,
      );
    });
}
