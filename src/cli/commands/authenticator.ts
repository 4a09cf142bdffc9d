/**
 * `techpass authenticator …`: a platform admin's one-time enrolment link, and the
 * headless authenticator (enrol, pending, approve, deny) that speaks the device
 * protocol to a running server with its key in a local file. Also `techpass user
 * clear-risk`, which releases an account a fraud report put on hold, and `techpass
 * user reset-mfa`, which removes every second factor of an account that lost them all.
 */
import { hostname } from 'node:os';
import type { Command } from 'commander';
import { ErrorCodes } from '../../contracts/errors.js';
import { clearRisk, issueEnrolmentLink } from '../../flows/push.js';
import { systemClock } from '../../platform/clock.js';
import { generateVapidKeys } from '../../platform/web-push.js';
import type { MfaReset } from '../../flows/mfa-recovery.js';
import { serverOption, withManagementClient } from '../management-client.js';
import { answerPending, enrolHeadless, listPending, readDeviceStore } from '../headless-authenticator.js';
import { answer, CommandError } from '../output.js';
import { accountCommandDeps } from '../push-deps.js';
import { cliActor, jsonOption, withStoreAndIssuer } from './context.js';
import { userIdOf } from './user-manage.js';

const when = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');

export function registerAuthenticatorCommands(program: Command): void {
  const authenticator = program.command('authenticator').description('the TechPass Authenticator: enrolment links and a headless authenticator');

  authenticator
    .command('enrol-link')
    .description('issue a one-time link (valid 10 minutes) that enrols an authenticator for a user, without a prior factor')
    .requiredOption('--user <email>', "the user's TechPass ID (e-mail or local username)")
    .addOption(jsonOption())
    .action(async (options: { user: string; json?: boolean }) =>
      withStoreAndIssuer(async (store, cfg) => {
        const user = await store.users.findByLogin(options.user);
        if (!user) throw new CommandError(`no account ${options.user.trim().toLowerCase()}`, ErrorCodes.userNotFound, 'user');
        const result = await issueEnrolmentLink(accountCommandDeps(store, systemClock, cfg.PUBLIC_URL), user.id, cliActor());
        if (!result.ok) throw CommandError.from(result);
        const { link, expiresAt, techpassId } = result.value;
        answer(
          Boolean(options.json),
          { link, expiresAt, user: techpassId },
          `enrolment link for ${techpassId} (works once, until ${when(expiresAt)}):\n${link}`,
        );
      }),
    );

  authenticator
    .command('vapid-keys')
    .description('make a VAPID key pair for Web Push (set WEB_PUSH_PUBLIC_KEY and WEB_PUSH_PRIVATE_KEY on every node)')
    .addOption(jsonOption())
    .action((options: { json?: boolean }) => {
      const { publicKey, privateKey } = generateVapidKeys();
      answer(
        Boolean(options.json),
        { publicKey, privateKey },
        `WEB_PUSH_PUBLIC_KEY=${publicKey}\nWEB_PUSH_PRIVATE_KEY=${privateKey}\n(keep the private key secret, like MASTER_KEY)`,
      );
    });

  authenticator
    .command('enrol')
    .description('enrol this machine as a headless authenticator with an enrolment link')
    .argument('<enrolment-link>', 'the link from `techpass authenticator enrol-link` or the MFA set-up page')
    .requiredOption('--store <file>', 'where to keep the device key (written with mode 0600)')
    .option('--name <name>', 'device name shown to the user', `headless authenticator on ${hostname()}`)
    .option('--force', 'replace a device key already in --store', false)
    .addOption(jsonOption())
    .action(async (link: string, options: { store: string; name: string; force: boolean; json?: boolean }) => {
      const store = await enrolHeadless(link, options.store, options.name, options.force);
      answer(
        Boolean(options.json),
        { deviceId: store.deviceId, name: store.name, account: store.account, server: store.server, store: options.store },
        `enrolled ${store.name} (${store.deviceId}) for ${store.account} at ${store.server}; key kept in ${options.store}`,
      );
    });

  authenticator
    .command('pending')
    .description('list the sign-in requests waiting for this device')
    .requiredOption('--store <file>', 'the device key written by `authenticator enrol`')
    .option('--server <url>', 'talk to this TechPass node instead of the one enrolled with')
    .addOption(jsonOption())
    .action(async (options: { store: string; server?: string; json?: boolean }) => {
      const { challenges } = await listPending(readDeviceStore(options.store), options.server);
      answer(
        Boolean(options.json),
        { challenges },
        challenges.length
          ? challenges.map((c) => `${c.application}  at ${when(c.createdAt)}  from ${c.ip ?? 'unknown address'} (${c.browser})  [${c.id}]`).join('\n')
          : 'no sign-in request is waiting',
      );
    });

  authenticator
    .command('approve')
    .description('approve the newest waiting sign-in request with the number the browser shows')
    .requiredOption('--store <file>', 'the device key written by `authenticator enrol`')
    .requiredOption('--number <digits>', 'the number shown in the browser')
    .option('--challenge <id>', 'answer this request instead of the newest')
    .option('--server <url>', 'talk to this TechPass node instead of the one enrolled with')
    .addOption(jsonOption())
    .action(async (options: { store: string; number: string; challenge?: string; server?: string; json?: boolean }) => {
      // The number goes to the server as typed: a wrong one is a wrong answer there, not a local error.
      const result = await answerPending(readDeviceStore(options.store), 'approve', options.number.trim(), {
        ...(options.challenge ? { challengeId: options.challenge } : {}),
        ...(options.server ? { server: options.server } : {}),
      });
      answer(
        Boolean(options.json),
        { ...result },
        `approved the sign-in${result.application ? ` to ${result.application}` : ''} [${result.challengeId}]`,
      );
    });

  authenticator
    .command('deny')
    .description('deny the newest waiting sign-in request; --report says "No, it\'s not me" and puts the account on hold')
    .requiredOption('--store <file>', 'the device key written by `authenticator enrol`')
    .option('--report', "report it as fraud (No, it's not me)", false)
    .option('--challenge <id>', 'answer this request instead of the newest')
    .option('--server <url>', 'talk to this TechPass node instead of the one enrolled with')
    .addOption(jsonOption())
    .action(async (options: { store: string; report: boolean; challenge?: string; server?: string; json?: boolean }) => {
      const result = await answerPending(readDeviceStore(options.store), options.report ? 'report' : 'deny', '', {
        ...(options.challenge ? { challengeId: options.challenge } : {}),
        ...(options.server ? { server: options.server } : {}),
      });
      answer(
        Boolean(options.json),
        { ...result },
        options.report
          ? `reported the sign-in as not you [${result.challengeId}]: the account is on hold until a platform admin clears it`
          : `denied the sign-in [${result.challengeId}]${result.pausedUntil ? `; push sign-in is paused for this account until ${when(result.pausedUntil)}` : ''}`,
      );
    });
}

/** `techpass user clear-risk`: added to the existing `user` command. */
export function registerClearRiskCommand(user: Command): void {
  user
    .command('clear-risk')
    .description('release an account that a fraud report ("No, it\'s not me") marked high risk')
    .requiredOption('--email <email>', "the user's TechPass ID")
    .addOption(jsonOption())
    .action(async (options: { email: string; json?: boolean }) =>
      withStoreAndIssuer(async (store, cfg) => {
        const result = await clearRisk(accountCommandDeps(store, systemClock, cfg.PUBLIC_URL), options.email, cliActor());
        if (!result.ok) throw CommandError.from(result);
        const { techpassId, cleared, status } = result.value;
        answer(
          Boolean(options.json),
          { user: techpassId, cleared, status },
          cleared ? `${techpassId} is active again and can sign in` : `${techpassId} was not marked high risk (status ${status}); nothing changed`,
        );
      }),
    );
}

/**
 * `techpass user reset-mfa`: a platform admin removes every second factor of an account
 * (audited, e-mailed), through the management API (`POST /users/{id}/reset-mfa`).
 */
export function registerResetMfaCommand(user: Command): void {
  user
    .command('reset-mfa')
    .description('remove every second factor of an account (after checking who the person is); their next sign-in enrols a new one')
    .requiredOption('--email <email>', "the user's TechPass ID")
    .addOption(serverOption())
    .addOption(jsonOption())
    .action(async (options: { email: string; server?: string; json?: boolean }) =>
      withManagementClient(
        options,
        async (client) => {
          const id = await userIdOf(client, options.email, 'email');
          const reset = await client.call<{ userId: string; techpassId: string; removed: MfaReset['removed'] }>(
            'POST',
            `/users/${encodeURIComponent(id)}/reset-mfa`,
            { body: {} },
          );
          const { techpassId, userId, removed } = reset.body;
          answer(
            Boolean(options.json),
            { user: techpassId, userId, removed },
            `${techpassId}: removed ${removed.authenticators} authenticator(s), ${removed.totp} authenticator app(s), ${removed.passkeys} passkey(s); ` +
              'signed out everywhere and told by e-mail. The next sign-in sets up a new second factor.',
          );
        },
        { issuer: true },
      ),
    );
}
