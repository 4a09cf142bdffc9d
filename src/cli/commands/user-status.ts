/** `techpass user set-status`: a platform admin changes an account's status (the domain's transition table decides). */
import { Option, type Command } from 'commander';
import { SETTABLE_STATUSES, type SettableStatus } from '../../domain/account-status.js';
import { setStatus } from '../../flows/account-status.js';
import { answer, CommandError } from '../output.js';
import { cliActor, jsonOption, withStore } from './context.js';

export function registerSetStatusCommand(user: Command): void {
  user
    .command('set-status')
    .description('activate, disable, enable, terminate an account or put it under investigation (audited; terminated is final)')
    .requiredOption('--email <email>', "the user's TechPass ID")
    .addOption(new Option('--status <status>', 'the new status').choices([...SETTABLE_STATUSES]).makeOptionMandatory())
    .option('--reason <reason>', 'why (kept in the audit log)')
    .addOption(jsonOption())
    .action(async (options: { email: string; status: SettableStatus; reason?: string; json?: boolean }) =>
      withStore(async (store) => {
        const result = await setStatus({ users: store.users, transaction: (fn) => store.transaction(fn) }, cliActor(), {
          login: options.email,
          status: options.status,
          ...(options.reason !== undefined ? { reason: options.reason } : {}),
        });
        if (!result.ok) throw CommandError.from(result);
        const { techpassId, userId, from, status } = result.value;
        answer(
          Boolean(options.json),
          { user: techpassId, userId, from, status },
          `${techpassId} is now ${status.replace('_', ' ')} (was ${from.replace('_', ' ')})`,
        );
      }),
    );
}
