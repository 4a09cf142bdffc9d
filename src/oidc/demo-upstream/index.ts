/** A small independent upstream OpenID provider, for the demo and for federation tests. */
export { startUpstreamProvider, UPSTREAM_ROUTES } from './upstream-provider.js';
export type { UpstreamClient, UpstreamOptions, UpstreamProvider, UpstreamRecord, UpstreamUser } from './upstream-types.js';
export { decodeIdToken, tamperings, type IdTokenParts, type IdTokenTamper, type PublicKeyAsSecret, type TokenForger } from './id-token-tampering.js';
export {
  DEMO_UPSTREAM_CLIENT_ID,
  DEMO_UPSTREAM_DISPLAY_NAME,
  DEMO_UPSTREAM_DOMAINS,
  DEMO_UPSTREAM_NAME,
  DEMO_UPSTREAM_PASSWORD,
  DEMO_UPSTREAM_PORT,
  startDemoUpstream,
  type DemoUpstream,
  type DemoUpstreamUser,
} from './demo-upstream.js';
