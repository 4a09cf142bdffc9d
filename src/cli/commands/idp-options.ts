/**
 * What `techpass idp add` and `idp update` share: the flags, their parsing into the
 * flow's input (each bad flag a coded error naming the field, before anything is
 * opened or fetched), the deps the flows run with, and how a provider is shown
 * (never its secret or private key).
 */
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { ErrorCodes } from '../../contracts/errors.js';
import {
  CLAIM_KEYS,
  federationCallbackUrl,
  type ClaimKey,
  type ClaimMapping,
  type IdentityProvider,
  type NewClientCredentials,
} from '../../domain/identity-providers.js';
import type { IdentityProviderAdminDeps } from '../../flows/identity-providers.js';
import { systemClock } from '../../platform/clock.js';
import type { Config } from '../../platform/config.js';
import { guardedFetch } from '../../platform/outbound-http.js';
import type { Store } from '../../persistence/store.js';
import { checkDiscovery } from '../../strategies/upstream-oidc/discovery.js';
import { CommandError } from '../output.js';
import { jsonOption } from './context.js';

export interface ProviderFlags {
  displayName?: string;
  issuer?: string;
  clientId?: string;
  clientSecret?: string;
  certPem?: string;
  keyPem?: string;
  domains?: string;
  scopes?: string;
  claim?: string[];
  endSession?: boolean;
  json?: boolean;
}

/** The settings flags of `add` (required ones marked by the caller) and `update` (all optional). */
export function providerOptions(command: Command, required: boolean): Command {
  const option = (flags: string, description: string) => (required ? command.requiredOption(flags, description) : command.option(flags, description));
  option('--display-name <text>', 'the name people see on the sign-in page, e.g. "WOG (Microsoft Entra ID)"');
  option('--issuer <url>', 'the issuer, exactly as its discovery document names it (Entra ID: https://login.microsoftonline.com/<tenant-id>/v2.0)');
  option('--client-id <id>', 'the client (application) id the provider gave TechPass');
  command
    .option('--client-secret <secret>', 'the client secret the provider gave TechPass (or --cert-pem and --key-pem)')
    .option('--cert-pem <file>', 'private_key_jwt: our certificate (PEM), uploaded at the provider')
    .option('--key-pem <file>', "private_key_jwt: the certificate's private key (PEM, unencrypted); sealed under the master key");
  option('--domains <list>', 'the e-mail domains it serves, comma-separated; *.gov.sg serves every domain below gov.sg (not gov.sg itself)');
  command
    .option('--scopes <list>', 'scopes to ask for, space-separated (default "openid email profile")')
    .option(
      '--claim <key=claims>',
      `where an attribute comes from, repeatable: ${CLAIM_KEYS.map((k) => kebab(k)).join(', ')} = a claim name (several, comma-separated, first present wins; subject takes one)`,
      (value: string, all: string[] = []) => [...all, value],
    )
    .addOption(new Option('--end-session', 'signing out of TechPass also signs out at the provider (when it publishes an end_session_endpoint)'))
    .addOption(new Option('--no-end-session', 'signing out of TechPass leaves the provider session alone (the default for a new provider)'))
    .addOption(jsonOption());
  return command;
}

const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function readPem(file: string, flag: string, field: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new CommandError(
      `${flag}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      ErrorCodes.inputInvalid,
      field,
    );
  }
}

/** The credentials the flags give: a secret, or a certificate and key; `required` for add. */
export function credentialsFrom(flags: ProviderFlags, required: boolean): NewClientCredentials | undefined {
  const pemGiven = flags.certPem !== undefined || flags.keyPem !== undefined;
  if (flags.clientSecret !== undefined && pemGiven) {
    throw new CommandError('give either --client-secret or --cert-pem with --key-pem, not both', ErrorCodes.inputInvalid, 'clientSecret');
  }
  if (flags.clientSecret !== undefined) return { method: 'client_secret', clientSecret: flags.clientSecret };
  if (pemGiven) {
    if (flags.certPem === undefined)
      throw new CommandError('--key-pem needs --cert-pem (the certificate it goes with)', ErrorCodes.inputInvalid, 'certPem');
    if (flags.keyPem === undefined) throw new CommandError('--cert-pem needs --key-pem (its private key)', ErrorCodes.inputInvalid, 'keyPem');
    return {
      method: 'private_key_jwt',
      certificatePem: readPem(flags.certPem, '--cert-pem', 'certPem'),
      privateKeyPem: readPem(flags.keyPem, '--key-pem', 'keyPem'),
    };
  }
  if (required)
    throw new CommandError('give --client-secret, or --cert-pem with --key-pem (private_key_jwt)', ErrorCodes.inputInvalid, 'clientSecret');
  return undefined;
}

export const listOf = (text: string | undefined, separator: RegExp) =>
  text === undefined
    ? undefined
    : text
        .split(separator)
        .map((s) => s.trim())
        .filter(Boolean);

/** `--claim email=email,upn` → { email: ['email', 'upn'] }; keys in kebab-case or camelCase. */
export function claimsFrom(values: string[] | undefined): Partial<ClaimMapping> | undefined {
  if (!values?.length) return undefined;
  const claims: Partial<Record<ClaimKey, string | string[]>> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    const rawKey = eq < 0 ? value : value.slice(0, eq);
    const key = CLAIM_KEYS.find((k) => k === rawKey.trim() || kebab(k) === rawKey.trim());
    if (eq < 0 || !key) {
      throw new CommandError(
        `--claim takes KEY=CLAIM with KEY one of ${CLAIM_KEYS.map(kebab).join(', ')} (got ${JSON.stringify(value)})`,
        ErrorCodes.inputInvalid,
        'claims',
      );
    }
    const names = listOf(value.slice(eq + 1), /,/) ?? [];
    if (names.length === 0) throw new CommandError(`--claim ${key}= names no claim`, ErrorCodes.inputInvalid, 'claims');
    if (key === 'subject') {
      if (names.length > 1) {
        throw new CommandError(
          '--claim subject= takes one claim: the link to an account must never fall back to another claim',
          ErrorCodes.inputInvalid,
          'claims',
        );
      }
      claims.subject = names[0]!;
    } else {
      claims[key] = names;
    }
  }
  return claims as Partial<ClaimMapping>;
}

/** The flows' deps on this store: discovery under the outbound rules, changes serialised cluster-wide. */
export function identityProviderDeps(store: Store, cfg: Config): IdentityProviderAdminDeps {
  const fetch = guardedFetch({ allowPrivate: cfg.OUTBOUND_ALLOW_PRIVATE });
  return {
    identityProviders: store.identityProviders,
    federatedIdentities: store.federatedIdentities,
    audit: store.audit,
    clock: systemClock,
    discover: (issuer, clientAuth) => checkDiscovery(issuer, { fetch, clientAuth }),
    transaction: (fn) => store.withLock('identity-providers', () => store.transaction(fn)),
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A provider as `show`, `list` and `update` answer it: everything but its secret or private key. */
export function describeProvider(provider: IdentityProvider, publicUrl: string) {
  const auth = provider.clientAuth;
  return {
    id: provider.id,
    name: provider.name,
    displayName: provider.displayName,
    enabled: provider.enabled,
    issuer: provider.issuer,
    clientId: provider.clientId,
    clientAuthentication:
      auth.method === 'client_secret'
        ? { method: auth.method, secretSetAt: iso(auth.secretSetAt) }
        : {
            method: auth.method,
            certificate: {
              subject: auth.certificate.subject,
              x5t: auth.certificate.x5t,
              'x5t#S256': auth.certificate.x5tS256,
              alg: auth.certificate.alg,
              notAfter: iso(auth.certificate.notAfter),
            },
          },
    domains: provider.domains,
    scopes: provider.scopes,
    claims: provider.claims,
    endSession: provider.endSession,
    endSessionEndpoint: provider.metadata.end_session_endpoint ?? null,
    callbackUrl: federationCallbackUrl(publicUrl),
    metadata: provider.metadata,
    discoveredAt: iso(provider.discoveredAt),
    createdAt: iso(provider.createdAt),
    updatedAt: iso(provider.updatedAt),
  };
}

/** A provider as the management API answers it (contracts/management-identity-providers.ts). */
export interface ProviderView {
  id: string;
  name: string;
  displayName: string;
  enabled: boolean;
  issuer: string;
  clientId: string;
  clientAuthentication: {
    method: 'client_secret' | 'private_key_jwt';
    secretSetAt: number | null;
    certificate: { subject: string; x5t: string; x5tS256: string; alg: string; notAfter: number } | null;
  };
  domains: string[];
  scopes: string[];
  claims: ClaimMapping;
  endSession: boolean;
  endSessionEndpoint: string | null;
  callbackUrl: string;
  metadata: Record<string, unknown>;
  discoveredAt: number;
  createdAt: number;
  updatedAt: number;
}

/** The API's view as `show`, `list` and `update` answer it: the same shape as describeProvider. */
export function describeView(v: ProviderView): ReturnType<typeof describeProvider> {
  const auth = v.clientAuthentication;
  return {
    id: v.id as IdentityProvider['id'],
    name: v.name,
    displayName: v.displayName,
    enabled: v.enabled,
    issuer: v.issuer,
    clientId: v.clientId,
    clientAuthentication:
      auth.method === 'client_secret' || !auth.certificate
        ? { method: 'client_secret', secretSetAt: iso(auth.secretSetAt ?? 0) }
        : {
            method: auth.method,
            certificate: {
              subject: auth.certificate.subject,
              x5t: auth.certificate.x5t,
              'x5t#S256': auth.certificate.x5tS256,
              alg: auth.certificate.alg,
              notAfter: iso(auth.certificate.notAfter),
            },
          },
    domains: v.domains,
    scopes: v.scopes,
    claims: v.claims,
    endSession: v.endSession,
    endSessionEndpoint: v.endSessionEndpoint,
    callbackUrl: v.callbackUrl,
    metadata: v.metadata as unknown as IdentityProvider['metadata'],
    discoveredAt: iso(v.discoveredAt),
    createdAt: iso(v.createdAt),
    updatedAt: iso(v.updatedAt),
  };
}

export function describeProviderText(d: ReturnType<typeof describeProvider>): string {
  const auth = d.clientAuthentication;
  return [
    `${d.name}: ${d.displayName} (${d.enabled ? 'enabled' : 'disabled'})`,
    `  issuer:        ${d.issuer}`,
    `  client id:     ${d.clientId}`,
    `  client auth:   ${
      'certificate' in auth && auth.certificate
        ? `private_key_jwt, certificate ${auth.certificate.subject} (x5t ${auth.certificate.x5t}, ${auth.certificate.alg}, until ${auth.certificate.notAfter})`
        : 'client secret (sealed; never shown)'
    }`,
    `  domains:       ${d.domains.join(', ')}`,
    `  scopes:        ${d.scopes.join(' ')}`,
    `  claims:        ${Object.entries(d.claims)
      .map(([k, v]) => `${kebab(k)}=${Array.isArray(v) ? v.join(',') : v}`)
      .join(' ')}`,
    `  end session:   ${d.endSession ? 'on' : 'off'}${d.endSessionEndpoint ? '' : ' (the provider publishes no end_session_endpoint)'}`,
    `  callback URL:  ${d.callbackUrl}`,
  ].join('\n');
}
