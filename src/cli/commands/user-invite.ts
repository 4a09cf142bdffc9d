/**
 * `techpass user invite --email E --by INVITER [--json]`: a public officer invites someone
 * (flows/invitations.ts decides). Answers, with --json, exactly
 * `{ "status": "pending" | "active", "expiresAt": ISO 8601 }`:
 *
 *   - status: the invitee's account status. An address an integrated identity provider
 *     serves gets its account at once, `pending` until its onboarding is done; any other
 *     address gets a registration link and has no account until it registers, also
 *     `pending`. (`active` is reserved: no invitation activates an account by itself.)
 *   - expiresAt: when the link e-mailed stops working: the registration link (5 days by
 *     default, INVITATION_LINK_TTL), or the onboarding link (30 days by default).
 *
 * Refusals (a bad address, an unknown inviter, an inviter who is not an active public
 * officer, an address that already has an account) exit 1 with one line on stderr, and
 * change nothing.
 */
import type { Command } from 'commander';
import { inviteUser } from '../../flows/invitations.js';
import { systemClock } from '../../platform/clock.js';
import { invitationDeps } from '../invitation-deps.js';
import { answer, CommandError } from '../output.js';
import { cliActor, jsonOption, withStoreAndIssuer } from './context.js';

export function registerInviteCommand(user: Command): void {
  user
    .command('invite')
    .description('invite someone: an integrated provider’s address gets a pending account and the onboarding e-mail, any other a registration link')
    .requiredOption('--email <email>', 'the e-mail address of the person to invite')
    .requiredOption('--by <inviter>', 'the TechPass ID of the inviting public officer (an active officer account)')
    .addOption(jsonOption())
    .action(async (options: { email: string; by: string; json?: boolean }) =>
      withStoreAndIssuer(async (store, cfg) => {
        const result = await inviteUser(invitationDeps(store, cfg, systemClock), { email: options.email, inviter: options.by, via: cliActor() });
        if (!result.ok) throw CommandError.from(result);
        const sent = result.value;
        const until = new Date(sent.expiresAt).toISOString();
        answer(
          Boolean(options.json),
          { status: sent.status, expiresAt: until },
          sent.path === 'registration'
            ? [
                `invited ${sent.email}: e-mailed a registration link that works until ${until}`,
                ...(sent.replaced ? [`(it replaces the earlier invitation to ${sent.email}, whose link no longer works)`] : []),
              ].join('\n')
            : `invited ${sent.email}: created a pending officer account (${sent.userId}) and e-mailed the onboarding link, which works until ${until}`,
        );
      }),
    );
}
