/**
 * `techpass vendor …`: vendor accounts of a namespace, as its tenant admin manages them
 * (until the management API exists, the operator runs these for them). The rules are in
 * flows/vendors.ts.
 */
import type { Command } from 'commander';
import { ErrorCodes } from '../../contracts/errors.js';
import type { Namespace } from '../../domain/directory.js';
import { createVendor, listVendors, reissueActivationCode, type VendorDeps, type VendorSummary } from '../../flows/vendors.js';
import type { Config } from '../../platform/config.js';
import { systemClock } from '../../platform/clock.js';
import type { Store } from '../../persistence/store.js';
import { answer, CommandError } from '../output.js';
import { cliActor, jsonOption, withStore } from './context.js';

function vendorDeps(store: Store, cfg: Config): VendorDeps {
  return {
    users: store.users,
    outbox: store.outbox,
    audit: store.audit,
    activationCodes: store.activationCodes,
    forNamespace: (id) => store.forNamespace(id),
    transaction: (fn) => store.transaction(fn),
    clock: systemClock,
    localIdDomain: cfg.LOCAL_ID_DOMAIN,
    activationCodeTtlMs: cfg.VENDOR_ACTIVATION_CODE_TTL * 1000,
  };
}

async function namespaceNamed(store: Store, name: string): Promise<Namespace> {
  const found = await store.namespaces.findByName(name);
  if (!found) throw new CommandError(`no namespace named ${name}`, ErrorCodes.namespaceNotFound, 'namespace');
  return found;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A vendor as the CLI prints it (times in ISO 8601). */
const shown = (v: VendorSummary) => ({
  ...v,
  activationCodeExpiresAt: iso(v.activationCodeExpiresAt),
  createdAt: iso(v.createdAt),
});

export function registerVendorCommands(program: Command): void {
  const vendor = program.command('vendor').description("a namespace's vendor accounts (local TechPass IDs activated with an SMS code)");

  vendor
    .command('create')
    .description('create a pending vendor account; its TechPass ID goes by e-mail and a one-time activation code by SMS')
    .requiredOption('--namespace <name>', 'the namespace (tenant) the vendor works for')
    .requiredOption('--email <email>', "the vendor's e-mail address (unique across TechPass)")
    .requiredOption('--username <name>', 'the local TechPass ID, name or name@<LOCAL_ID_DOMAIN> (unique across TechPass)')
    .requiredOption('--mobile <number>', 'mobile number with its country code, e.g. +65 9123 4567 (unique across TechPass); the code goes there')
    .option('--given-name <name>', 'first name (default: read from a first_last username)')
    .option('--family-name <name>', 'last name (default: read from a first_last username)')
    .addOption(jsonOption())
    .action(
      async (options: {
        namespace: string;
        email: string;
        username: string;
        mobile: string;
        givenName?: string;
        familyName?: string;
        json?: boolean;
      }) =>
        withStore(async (store, cfg) => {
          const namespace = await namespaceNamed(store, options.namespace);
          const result = await createVendor(vendorDeps(store, cfg), namespace, cliActor(), {
            email: options.email,
            username: options.username,
            mobile: options.mobile,
            ...(options.givenName !== undefined ? { givenName: options.givenName } : {}),
            ...(options.familyName !== undefined ? { familyName: options.familyName } : {}),
          });
          if (!result.ok) throw CommandError.from(result);
          const v = result.value.vendor;
          answer(
            Boolean(options.json),
            { namespace: namespace.name, ...shown(v) },
            [
              `created vendor account ${v.techpassId} (${v.id}) in ${namespace.name}, pending until its first sign-in`,
              `e-mailed the TechPass ID to ${v.email}; sent the activation code by SMS to ${v.mobile} (works once, until ${iso(v.activationCodeExpiresAt)})`,
            ].join('\n'),
          );
        }),
    );

  vendor
    .command('list')
    .description("the namespace's vendor accounts, oldest first")
    .requiredOption('--namespace <name>', 'the namespace')
    .addOption(jsonOption())
    .action(async (options: { namespace: string; json?: boolean }) =>
      withStore(async (store, cfg) => {
        const namespace = await namespaceNamed(store, options.namespace);
        const vendors = await listVendors(vendorDeps(store, cfg), namespace.id);
        answer(
          Boolean(options.json),
          { namespace: namespace.name, vendors: vendors.map(shown) },
          vendors.length
            ? vendors
                .map((v) => `${v.techpassId}  ${v.status.replace('_', ' ')}  ${v.email}  ${v.mobile ?? '-'}  code: ${v.activationCode}`)
                .join('\n')
            : `no vendor accounts in ${namespace.name}`,
        );
      }),
    );

  vendor
    .command('resend-code')
    .description('send a pending vendor a new activation code by SMS (the old one stops working; a lock from wrong codes is lifted)')
    .requiredOption('--namespace <name>', 'the namespace the vendor belongs to')
    .requiredOption('--username <techpass-id>', "the vendor's TechPass ID (or username, or e-mail)")
    .addOption(jsonOption())
    .action(async (options: { namespace: string; username: string; json?: boolean }) =>
      withStore(async (store, cfg) => {
        const namespace = await namespaceNamed(store, options.namespace);
        const result = await reissueActivationCode(vendorDeps(store, cfg), namespace.id, cliActor(), options.username);
        if (!result.ok) throw CommandError.from(result);
        const v = result.value.vendor;
        answer(
          Boolean(options.json),
          { namespace: namespace.name, ...shown(v) },
          `sent ${v.techpassId} a new activation code by SMS to ${v.mobile} (works once, until ${iso(v.activationCodeExpiresAt)}); the old one no longer works`,
        );
      }),
    );
}
