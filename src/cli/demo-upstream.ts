/**
 * The demo's integrated identity provider: a local stand-in for the government's Entra ID
 * (src/oidc/demo-upstream), started with `techpass start` and registered in TechPass as
 * `wog-demo`, serving agency.gov.localhost. Its client secret is kept in DATA_DIR/demo.json
 * (mode 0600) like the demo's other credentials, so the registration stays valid across
 * starts; the registration is brought up to date when the provider's address changed
 * (another --upstream-port).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { federationCallbackUrl } from '../domain/identity-providers.js';
import { addIdentityProvider, updateIdentityProvider } from '../flows/identity-providers.js';
import { startDemoUpstream, type DemoUpstream } from '../oidc/demo-upstream/demo-upstream.js';
import type { Config } from '../platform/config.js';
import type { Store } from '../persistence/store.js';
import { UPSTREAM_SIGN_OUT_DONE_PATH } from '../strategies/upstream-oidc/sign-out.js';
import { identityProviderDeps } from './commands/idp-options.js';
import { CommandError } from './output.js';

export async function ensureDemoUpstream(config: Config, store: Store, port: number): Promise<DemoUpstream> {
  const clientSecret = keptSecret(config);
  let upstream: DemoUpstream;
  try {
    upstream = await startDemoUpstream({
      redirectUri: federationCallbackUrl(config.PUBLIC_URL),
      postLogoutRedirectUri: `${config.PUBLIC_URL}${UPSTREAM_SIGN_OUT_DONE_PATH}`,
      clientSecret,
      port,
      host: config.HOST,
    });
  } catch (error) {
    throw new CommandError(
      `the demo identity provider cannot listen on port ${port} (${(error as Error).message}); choose another with --upstream-port, or --no-upstream`,
      'config.invalid',
    );
  }
  // Registered the way `techpass idp add` does it (its discovery document is checked).
  const deps = identityProviderDeps(store, { ...config, OUTBOUND_ALLOW_PRIVATE: true });
  const settings = {
    displayName: upstream.displayName,
    issuer: upstream.issuer,
    clientId: upstream.clientId,
    credentials: { method: 'client_secret' as const, clientSecret },
    domains: upstream.domains,
    endSession: true,
  };
  const existing = await store.identityProviders.findByName(upstream.name);
  const result = existing
    ? existing.issuer === upstream.issuer
      ? null
      : await updateIdentityProvider(deps, 'system:demo', upstream.name, settings)
    : await addIdentityProvider(deps, 'system:demo', { name: upstream.name, ...settings });
  if (result && !result.ok) {
    await upstream.close();
    throw new CommandError(`demo set-up failed: ${result.message}`, result.error);
  }
  return upstream;
}

/** The secret TechPass and the demo provider share, made once and kept with the demo data. */
function keptSecret(config: Config): string {
  const file = path.join(config.DATA_DIR, 'demo.json');
  const data = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  const kept = (data.upstream as { clientSecret?: unknown } | undefined)?.clientSecret;
  if (typeof kept === 'string' && kept.length >= 32) return kept;
  const clientSecret = randomBytes(32).toString('base64url');
  writeFileSync(file, JSON.stringify({ ...data, upstream: { clientSecret } }, null, 2), { mode: 0o600 });
  return clientSecret;
}
