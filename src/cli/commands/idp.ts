/**
 * `techpass idp …`: integrated identity providers (upstream OpenID Connect providers
 * such as the government's Microsoft Entra ID). Scripts depend on these flags and on
 * `idp add --json` answering `{ "name", "callbackUrl" }`. Every command goes through
 * the management API (management-client.ts): locally as the operator, or with
 * `--server` as the signed-in platform admin. Add and update check the provider's
 * discovery document first; every change is audited; no command ever prints a client
 * secret or private key. Running servers see a change within KEY_REFRESH_SECONDS.
 */
import type { Command } from 'commander';
import type { NewClientCredentials } from '../../domain/identity-providers.js';
import { serverOption, type ManagementClient } from '../management-client.js';
import { answer } from '../output.js';
import { config, jsonOption } from './context.js';
import { viaApi } from './group-manage.js';
import {
  claimsFrom,
  credentialsFrom,
  describeProviderText,
  describeView,
  listOf,
  providerOptions,
  type ProviderFlags,
  type ProviderView,
} from './idp-options.js';

const warn = (warnings: string[]) => {
  for (const warning of warnings) process.stderr.write(`techpass: warning: ${warning}\n`);
};

/** The KEY_REFRESH_SECONDS of this machine's configuration (a remote server's own may differ). */
const pickUp = () => `running servers pick this up within ${config().KEY_REFRESH_SECONDS}s`;

/** The API's fields as the flags typed here. */
const FLAGS = { certificatePem: 'certPem', privateKeyPem: 'keyPem', id: 'name' };
const path = (name: string) => `/identity-providers/${encodeURIComponent(name)}`;
const api = <T>(options: { server?: string }, fn: (client: ManagementClient) => Promise<T>) => viaApi(options.server, FLAGS, fn);

/** The credentials as the API takes them. */
const secretFields = (credentials: NewClientCredentials | undefined) =>
  !credentials
    ? {}
    : credentials.method === 'client_secret'
      ? { clientSecret: credentials.clientSecret }
      : { certificatePem: credentials.certificatePem, privateKeyPem: credentials.privateKeyPem };

type Changed = ProviderView & { warnings: string[]; unlinked: number };
type Server = { server?: string };

export function registerIdpCommands(program: Command): void {
  const idp = program.command('idp').description('integrated identity providers: people of the domains they serve sign in there first');

  providerOptions(
    idp
      .command('add')
      .description('register an upstream OpenID Connect provider (its discovery document is checked first)')
      .requiredOption('--name <name>', 'short name, e.g. wog-entra (3–40 lower-case letters, digits, dashes)'),
    true,
  )
    .addOption(serverOption())
    .action(async (options: ProviderFlags & Server & { name: string }) => {
      const credentials = credentialsFrom(options, true)!;
      const claims = claimsFrom(options.claim);
      const body = {
        name: options.name,
        displayName: options.displayName!,
        issuer: options.issuer!,
        clientId: options.clientId!,
        ...secretFields(credentials),
        domains: listOf(options.domains, /,/) ?? [],
        ...(options.scopes !== undefined ? { scopes: listOf(options.scopes, /[\s,]+/) ?? [] } : {}),
        ...(claims ? { claims } : {}),
        ...(options.endSession !== undefined ? { endSession: options.endSession } : {}),
      };
      const created = await api(options, async (client) => (await client.call<Changed>('POST', '/identity-providers', { body })).body);
      const provider = describeView(created);
      warn(created.warnings);
      answer(
        Boolean(options.json),
        { name: provider.name, callbackUrl: provider.callbackUrl },
        [
          `added identity provider ${provider.name}`,
          describeProviderText(provider),
          '',
          `Register this redirect URI at the provider: ${provider.callbackUrl}`,
          ...('certificate' in provider.clientAuthentication && provider.clientAuthentication.certificate
            ? [`and upload the certificate (x5t ${provider.clientAuthentication.certificate.x5t}) as the application's credential there.`]
            : []),
          pickUp(),
        ].join('\n'),
      );
    });

  idp
    .command('list')
    .description('the registered providers')
    .addOption(serverOption())
    .addOption(jsonOption())
    .action(async (options: Server & { json?: boolean }) => {
      const providers = await api(options, async (client) => (await client.call<{ items: ProviderView[] }>('GET', '/identity-providers')).body.items);
      answer(
        Boolean(options.json),
        { providers: providers.map(describeView) },
        providers.length
          ? providers.map((p) => `${p.name.padEnd(24)} ${p.enabled ? 'enabled ' : 'disabled'}  ${p.domains.join(',')}  ${p.issuer}`).join('\n')
          : 'no identity providers: add one with techpass idp add',
      );
    });

  idp
    .command('show')
    .description('one provider, with the callback URL to register at it')
    .requiredOption('--name <name>', 'the provider')
    .addOption(serverOption())
    .addOption(jsonOption())
    .action(async (options: Server & { name: string; json?: boolean }) => {
      const provider = describeView(await api(options, async (client) => (await client.call<ProviderView>('GET', path(options.name))).body));
      answer(Boolean(options.json), provider, describeProviderText(provider));
    });

  providerOptions(
    idp
      .command('update')
      .description('change a provider (its discovery document is checked again; a new issuer or subject claim unlinks its accounts)')
      .requiredOption('--name <name>', 'the provider (its name does not change)'),
    false,
  )
    .addOption(serverOption())
    .action(async (options: ProviderFlags & Server & { name: string }) => {
      const credentials = credentialsFrom(options, false);
      const claims = claimsFrom(options.claim);
      const changes = Object.fromEntries(
        Object.entries({
          displayName: options.displayName,
          issuer: options.issuer,
          clientId: options.clientId,
          ...secretFields(credentials),
          domains: listOf(options.domains, /,/),
          scopes: listOf(options.scopes, /[\s,]+/),
          claims,
          endSession: options.endSession,
        }).filter(([, v]) => v !== undefined),
      );
      const updated = await api(options, async (client) => {
        const read = await client.call<ProviderView>('GET', path(options.name));
        return (await client.call<Changed>('PATCH', path(options.name), { body: changes, ifMatch: read.etag })).body;
      });
      const provider = describeView(updated);
      warn(updated.warnings);
      answer(
        Boolean(options.json),
        { ...provider, unlinked: updated.unlinked },
        [
          `updated identity provider ${provider.name}`,
          describeProviderText(provider),
          ...(updated.unlinked
            ? [`the issuer or subject claim changed: ${updated.unlinked} linked account(s) will link again at their next sign-in`]
            : []),
          pickUp(),
        ].join('\n'),
      );
    });

  for (const [verb, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    idp
      .command(verb)
      .description(enabled ? 'let people sign in through the provider again' : 'stop sign-in through the provider (its settings and links stay)')
      .requiredOption('--name <name>', 'the provider')
      .addOption(serverOption())
      .addOption(jsonOption())
      .action(async (options: Server & { name: string; json?: boolean }) => {
        const provider = await api(
          options,
          async (client) => (await client.call<ProviderView & { changed: boolean }>('POST', `${path(options.name)}/${verb}`)).body,
        );
        answer(
          Boolean(options.json),
          { name: provider.name, enabled: provider.enabled, changed: provider.changed },
          provider.changed ? `${verb}d identity provider ${provider.name}; ${pickUp()}` : `${provider.name} was already ${verb}d`,
        );
      });
  }

  idp
    .command('remove')
    .description("remove a provider and every account's link to it (the accounts stay)")
    .requiredOption('--name <name>', 'the provider')
    .addOption(serverOption())
    .addOption(jsonOption())
    .action(async (options: Server & { name: string; json?: boolean }) => {
      const removed = await api(
        options,
        async (client) => (await client.call<{ name: string; removed: true; unlinked: number }>('DELETE', path(options.name))).body,
      );
      answer(
        Boolean(options.json),
        { name: removed.name, removed: true, unlinked: removed.unlinked },
        `removed identity provider ${removed.name} and ${removed.unlinked} account link(s); ${pickUp()}`,
      );
    });
}
