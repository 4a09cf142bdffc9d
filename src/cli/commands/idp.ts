/**
 * `techpass idp …`: integrated identity providers (upstream OpenID Connect providers
 * such as the government's Microsoft Entra ID). Scripts depend on these flags and on
 * `idp add --json` answering `{ "name", "callbackUrl" }`. Add and update check the
 * provider's discovery document first; every change is audited; no command ever
 * prints a client secret or private key. Running servers see a change within
 * KEY_REFRESH_SECONDS.
 */
import type { Command } from 'commander';
import { federationCallbackUrl } from '../../domain/identity-providers.js';
import { addIdentityProvider, removeIdentityProvider, setIdentityProviderEnabled, updateIdentityProvider } from '../../flows/identity-providers.js';
import { ErrorCodes } from '../../contracts/errors.js';
import { answer, CommandError } from '../output.js';
import { cliActor, jsonOption, withStoreAndIssuer } from './context.js';
import {
  claimsFrom,
  credentialsFrom,
  describeProvider,
  describeProviderText,
  identityProviderDeps,
  listOf,
  providerOptions,
  type ProviderFlags,
} from './idp-options.js';

const warn = (warnings: string[]) => {
  for (const warning of warnings) process.stderr.write(`techpass: warning: ${warning}\n`);
};

const pickUp = (seconds: number) => `running servers pick this up within ${seconds}s`;

export function registerIdpCommands(program: Command): void {
  const idp = program.command('idp').description('integrated identity providers: people of the domains they serve sign in there first');

  providerOptions(
    idp
      .command('add')
      .description('register an upstream OpenID Connect provider (its discovery document is checked first)')
      .requiredOption('--name <name>', 'short name, e.g. wog-entra (3–40 lower-case letters, digits, dashes)'),
    true,
  ).action(async (options: ProviderFlags & { name: string }) => {
    const credentials = credentialsFrom(options, true)!;
    const claims = claimsFrom(options.claim);
    await withStoreAndIssuer(async (store, cfg) => {
      const result = await addIdentityProvider(identityProviderDeps(store, cfg), cliActor(), {
        name: options.name,
        displayName: options.displayName!,
        issuer: options.issuer!,
        clientId: options.clientId!,
        credentials,
        domains: listOf(options.domains, /,/) ?? [],
        ...(options.scopes !== undefined ? { scopes: listOf(options.scopes, /[\s,]+/) ?? [] } : {}),
        ...(claims ? { claims } : {}),
        ...(options.endSession !== undefined ? { endSession: options.endSession } : {}),
      });
      if (!result.ok) throw CommandError.from(result);
      const { provider, warnings } = result.value;
      const callbackUrl = federationCallbackUrl(cfg.PUBLIC_URL);
      warn(warnings);
      answer(
        Boolean(options.json),
        { name: provider.name, callbackUrl },
        [
          `added identity provider ${provider.name}`,
          describeProviderText(provider, cfg.PUBLIC_URL),
          '',
          `Register this redirect URI at the provider: ${callbackUrl}`,
          ...(provider.clientAuth.method === 'private_key_jwt'
            ? [`and upload the certificate (x5t ${provider.clientAuth.certificate.x5t}) as the application's credential there.`]
            : []),
          pickUp(cfg.KEY_REFRESH_SECONDS),
        ].join('\n'),
      );
    });
  });

  idp
    .command('list')
    .description('the registered providers')
    .addOption(jsonOption())
    .action(async (options: { json?: boolean }) =>
      withStoreAndIssuer(async (store, cfg) => {
        const providers = await store.identityProviders.list();
        answer(
          Boolean(options.json),
          { providers: providers.map((p) => describeProvider(p, cfg.PUBLIC_URL)) },
          providers.length
            ? providers.map((p) => `${p.name.padEnd(24)} ${p.enabled ? 'enabled ' : 'disabled'}  ${p.domains.join(',')}  ${p.issuer}`).join('\n')
            : 'no identity providers: add one with techpass idp add',
        );
      }),
    );

  idp
    .command('show')
    .description('one provider, with the callback URL to register at it')
    .requiredOption('--name <name>', 'the provider')
    .addOption(jsonOption())
    .action(async (options: { name: string; json?: boolean }) =>
      withStoreAndIssuer(async (store, cfg) => {
        const provider = await store.identityProviders.findByName(options.name);
        if (!provider) throw new CommandError(`no identity provider named ${options.name}`, ErrorCodes.identityProviderNotFound, 'name');
        answer(Boolean(options.json), describeProvider(provider, cfg.PUBLIC_URL), describeProviderText(provider, cfg.PUBLIC_URL));
      }),
    );

  providerOptions(
    idp
      .command('update')
      .description('change a provider (its discovery document is checked again; a new issuer or subject claim unlinks its accounts)')
      .requiredOption('--name <name>', 'the provider (its name does not change)'),
    false,
  ).action(async (options: ProviderFlags & { name: string }) => {
    const credentials = credentialsFrom(options, false);
    const claims = claimsFrom(options.claim);
    await withStoreAndIssuer(async (store, cfg) => {
      const result = await updateIdentityProvider(identityProviderDeps(store, cfg), cliActor(), options.name, {
        displayName: options.displayName,
        issuer: options.issuer,
        clientId: options.clientId,
        credentials,
        domains: listOf(options.domains, /,/),
        scopes: listOf(options.scopes, /[\s,]+/),
        claims,
        endSession: options.endSession,
      });
      if (!result.ok) throw CommandError.from(result);
      const { provider, warnings, unlinked } = result.value;
      warn(warnings);
      answer(
        Boolean(options.json),
        { ...describeProvider(provider, cfg.PUBLIC_URL), unlinked },
        [
          `updated identity provider ${provider.name}`,
          describeProviderText(provider, cfg.PUBLIC_URL),
          ...(unlinked ? [`the issuer or subject claim changed: ${unlinked} linked account(s) will link again at their next sign-in`] : []),
          pickUp(cfg.KEY_REFRESH_SECONDS),
        ].join('\n'),
      );
    });
  });

  for (const [verb, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    idp
      .command(verb)
      .description(enabled ? 'let people sign in through the provider again' : 'stop sign-in through the provider (its settings and links stay)')
      .requiredOption('--name <name>', 'the provider')
      .addOption(jsonOption())
      .action(async (options: { name: string; json?: boolean }) =>
        withStoreAndIssuer(async (store, cfg) => {
          const result = await setIdentityProviderEnabled(identityProviderDeps(store, cfg), cliActor(), options.name, enabled);
          if (!result.ok) throw CommandError.from(result);
          const { provider, changed } = result.value;
          answer(
            Boolean(options.json),
            { name: provider.name, enabled: provider.enabled, changed },
            changed ? `${verb}d identity provider ${provider.name}; ${pickUp(cfg.KEY_REFRESH_SECONDS)}` : `${provider.name} was already ${verb}d`,
          );
        }),
      );
  }

  idp
    .command('remove')
    .description("remove a provider and every account's link to it (the accounts stay)")
    .requiredOption('--name <name>', 'the provider')
    .addOption(jsonOption())
    .action(async (options: { name: string; json?: boolean }) =>
      withStoreAndIssuer(async (store, cfg) => {
        const result = await removeIdentityProvider(identityProviderDeps(store, cfg), cliActor(), options.name);
        if (!result.ok) throw CommandError.from(result);
        const { provider, unlinked } = result.value;
        answer(
          Boolean(options.json),
          { name: provider.name, removed: true, unlinked },
          `removed identity provider ${provider.name} and ${unlinked} account link(s); ${pickUp(cfg.KEY_REFRESH_SECONDS)}`,
        );
      }),
    );
}
