/**
 * Every member of oidc-provider that TechPass replaces, in one place. oidc-provider has
 * no public hook for these four; each replacement is small, and each relies on a private
 * detail of the version pinned in package.json (written against 9.13.3). Before anything
 * is replaced, `checkOidcProvider` confirms every member is still there with the shape
 * the replacement expects; a version that moved one fails the start-up with the member's
 * name instead of quietly running the library's own code.
 *
 * `Client.find` (static, lib/models/client.js)
 *   Library: checks the id, asks the adapter for the metadata and builds a Client from it,
 *   hashing the metadata's JSON to find a Client it built before.
 *   Ours: the adapter answers the same metadata object for as long as an application's
 *   cached record stands (adapter.ts), so the Client built from that object is found again
 *   by identity (a WeakMap); any other case goes to the library's `find`.
 *   Why: every token request looks its client up at least once; the hash was a visible
 *   part of the token endpoint's CPU (npm run bench).
 *   If it changes: a `find` that stops reading `Client.adapter`, or starts doing more than
 *   building (e.g. checking expiry per call), would be skipped for cached clients.
 *
 * `Client.prototype.compareClientSecret(actual)` (lib/models/client.js)
 *   Library: compares `actual` with the one `client_secret` of the metadata.
 *   Ours: TechPass stores only digests of several live secrets (rollover); any live one
 *   matches (provider.ts, `compareClientSecret`).
 *   Why: secrets are never stored in the clear, and an application may hold two at once.
 *   If it changes: client_secret_basic and client_secret_post are checked by the library's
 *   comparison against a metadata field we never set, so every secret is refused.
 *
 * `Client.prototype.clientAuthMethod` (getter, lib/models/client.js; read by
 *   lib/shared/client_auth.js)
 *   Library: the client's one registered `token_endpoint_auth_method`.
 *   Ours: `private_key_jwt` while the request carries a client assertion and the
 *   application has a live certificate, else the registered method
 *   (client-authentication.ts).
 *   Why: one application may authenticate with a secret or a certificate (ADR 0001).
 *   If it changes: applications with both secrets and certificates can use only one.
 *
 * `ReplayDetection.unique(iss, jti, exp)` (static, lib/models/replay_detection.js)
 *   Library: a find, then a save: two requests racing with one `jti` can both pass.
 *   Ours: one INSERT … ON CONFLICT (`OidcModelStore.claimOnce`), atomic on every node.
 *   Why: a client assertion (or DPoP proof) must be usable once, even across nodes.
 *   If it changes: replay detection falls back to the racy find-then-save.
 *
 * Not a patch, but a documented experimental feature we rely on: `ExternalSigningKey`
 * with `features.externalSigningSupport` (ack `experimental-01`), through which
 * TechPass signs ES256 tokens on the request's thread (inline-signing-keys.ts). The
 * provider refuses to start if the acknowledged version no longer matches.
 */
import type Provider from 'oidc-provider';
import { ExternalSigningKey } from 'oidc-provider';
import { expectMember, installedVersion, patchedMemberMissing } from '../../platform/library-patches.js';

const LIBRARY = 'oidc-provider';
const MODULE = 'src/oidc/patches/oidc-provider.ts';
/** The experimental version of `features.externalSigningSupport` this code was written for. */
export const EXTERNAL_SIGNING_ACK = 'experimental-01';

/** What the checks read of a provider (its `Client` and `ReplayDetection` classes). */
export interface OidcProviderSurface {
  Client: unknown;
  ReplayDetection: unknown;
}

/**
 * Confirms every member `patchOidcProvider` replaces on `provider` is there, with the shape
 * the replacement expects. Run on a provider before it is patched (after, the replacements
 * themselves would answer).
 */
export function checkOidcProvider(provider: OidcProviderSurface, version = installedVersion(LIBRARY)): void {
  const where = (member: string) => ({ library: LIBRARY, version, member, module: MODULE });
  const Client = provider.Client as { prototype?: unknown } | undefined;
  expectMember(Client, 'find', { kind: 'function', arity: 1 }, where('Client.find'));
  expectMember(Client, 'adapter', { kind: 'getter' }, where('Client.adapter'));
  expectMember(Client?.prototype, 'compareClientSecret', { kind: 'function', arity: 1 }, where('Client.prototype.compareClientSecret'));
  expectMember(Client?.prototype, 'clientAuthMethod', { kind: 'getter' }, where('Client.prototype.clientAuthMethod'));
  expectMember(provider.ReplayDetection, 'unique', { kind: 'function', arity: 3 }, where('ReplayDetection.unique'));
}

/** Confirms the module-level exports TechPass relies on (no provider needed): `ExternalSigningKey`. */
export function checkOidcProviderExports(
  exports: { ExternalSigningKey?: unknown } = { ExternalSigningKey },
  version = installedVersion(LIBRARY),
): void {
  const where = (member: string) => ({ library: LIBRARY, version, member, module: MODULE });
  const Key = exports.ExternalSigningKey as { prototype?: unknown } | undefined;
  if (typeof Key !== 'function') throw patchedMemberMissing(where('ExternalSigningKey'), 'an exported class');
  expectMember(Key.prototype, 'sign', { kind: 'function' }, where('ExternalSigningKey.prototype.sign'));
  expectMember(Key.prototype, 'keyObject', { kind: 'function' }, where('ExternalSigningKey.prototype.keyObject'));
}

type Client = InstanceType<Provider['Client']>;

export interface OidcProviderReplacements {
  /** Whether `actual` is a live secret of `client`. */
  compareClientSecret(client: Client, actual: string): Promise<boolean>;
  /** The authentication method the current request must use for `client`. */
  clientAuthMethod(client: Client): string | undefined;
  /** Records (iss, jti) until `exp`; false when it was recorded already. */
  replayDetectionUnique(iss: string, jti: string, exp: number): Promise<boolean>;
}

/** Checks `provider`, then replaces the four members (see the header). */
export function patchOidcProvider(provider: Provider, replacements: OidcProviderReplacements): void {
  checkOidcProvider(provider);
  rememberBuiltClients(provider);
  provider.Client.prototype.compareClientSecret = function compareClientSecret(this: Client, actual: string) {
    return replacements.compareClientSecret(this, actual);
  } as never;
  Object.defineProperty(provider.Client.prototype, 'clientAuthMethod', {
    configurable: true,
    get(this: Client) {
      return replacements.clientAuthMethod(this);
    },
  });
  provider.ReplayDetection.unique = (iss: string, jti: string, exp: number) => replacements.replayDetectionUnique(iss, jti, exp);
}

/** `Client.find`, answering a Client built from the same metadata object by identity (see the header). */
function rememberBuiltClients(provider: Provider): void {
  const Client = provider.Client as typeof provider.Client & { adapter: { find(id: string): Promise<object | undefined> } };
  const find = Client.find.bind(Client);
  const built = new WeakMap<object, Client>();
  Client.find = async (id: string) => {
    const metadata = typeof id === 'string' && id.length > 0 ? await Client.adapter.find(id) : undefined;
    if (!metadata) return find(id);
    let client = built.get(metadata);
    if (!client) {
      client = await find(id);
      if (client) built.set(metadata, client);
    }
    return client;
  };
}
