/** A small independent upstream OpenID provider, for the demo and for federation tests. */
export { startUpstreamProvider, UPSTREAM_ROUTES } from './upstream-provider.js';
export type { UpstreamClient, UpstreamOptions, UpstreamProvider, UpstreamRecord, UpstreamUser } from './upstream-types.js';
export { decodeIdToken, tamperings, type IdTokenParts, type IdTokenTamper, type PublicKeyAsSecret, type TokenForger } from './id-token-tampering.js';
