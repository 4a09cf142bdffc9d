/**
 * The upstream of `npm start`'s demo: a local stand-in for the government's Entra ID
 * ("WOG account") serving agency.gov.localhost, so a newcomer can try the federated
 * sign-in without configuring anything. Its subjects and issuer are the same on every
 * start (TechPass links accounts by issuer and subject); its client secret is the
 * caller's, kept with the rest of the demo data.
 */
import { startUpstreamProvider } from './upstream-provider.js';
import type { UpstreamProvider, UpstreamUser } from './upstream-types.js';

export const DEMO_UPSTREAM_PORT = 3002;
export const DEMO_UPSTREAM_PASSWORD = 'Demo-WOG-2026';
export const DEMO_UPSTREAM_CLIENT_ID = 'techpass-demo';
export const DEMO_UPSTREAM_NAME = 'wog-demo';
export const DEMO_UPSTREAM_DISPLAY_NAME = 'WOG account (demo)';
export const DEMO_UPSTREAM_DOMAINS = ['agency.gov.localhost'];

export interface DemoUpstreamUser {
  email: string;
  password: string;
  /** What the demo banner can say about this user. */
  note: string;
}

const DEMO_USERS: Array<UpstreamUser & { note: string }> = [
  {
    sub: 'wog-demo-jane-tan',
    email: 'jane_tan@agency.gov.localhost',
    givenName: 'Jane',
    familyName: 'Tan',
    agency: 'Demo Agency',
    department: 'Digital Services',
    password: DEMO_UPSTREAM_PASSWORD,
    note: 'has a TechPass account: signs in through the WOG account, then TechPass MFA',
  },
  {
    sub: 'wog-demo-lim-wei',
    email: 'lim_wei@agency.gov.localhost',
    givenName: 'Wei',
    familyName: 'Lim',
    agency: 'Demo Agency',
    department: 'Corporate Services',
    password: DEMO_UPSTREAM_PASSWORD,
    note: 'no TechPass account: shows how to sign up or get invited',
  },
];

export interface DemoUpstream {
  upstream: UpstreamProvider;
  issuer: string;
  name: string;
  displayName: string;
  clientId: string;
  clientSecret: string;
  domains: string[];
  users: DemoUpstreamUser[];
  close(): Promise<void>;
}

export async function startDemoUpstream(options: {
  /** TechPass's federation callback: `<TechPass issuer>/login/federation/callback`. */
  redirectUri: string;
  /** Where TechPass sends the browser back after an upstream sign-out (optional). */
  postLogoutRedirectUri?: string;
  /** The client secret TechPass holds for it; keep it with the demo data so it survives restarts. */
  clientSecret: string;
  /** Default 3002 (0: a free port). */
  port?: number;
  /** Where to listen (default 127.0.0.1). */
  host?: string;
  /** The issuer's host name (default localhost, as in the demo's other URLs): http://<publicHost>:<port>. */
  publicHost?: string;
}): Promise<DemoUpstream> {
  const port = options.port ?? DEMO_UPSTREAM_PORT;
  const upstream = await startUpstreamProvider({
    host: options.host ?? '127.0.0.1',
    port,
    publicHost: options.publicHost ?? 'localhost',
    issuerName: DEMO_UPSTREAM_DISPLAY_NAME,
    amr: ['pwd', 'mfa'],
    users: DEMO_USERS.map(({ note: _note, ...user }) => user),
    clients: [
      {
        clientId: DEMO_UPSTREAM_CLIENT_ID,
        clientSecret: options.clientSecret,
        name: 'TechPass (demo)',
        redirectUris: [options.redirectUri],
        postLogoutRedirectUris: options.postLogoutRedirectUri ? [options.postLogoutRedirectUri] : [],
      },
    ],
  });
  return {
    upstream,
    issuer: upstream.issuer,
    name: DEMO_UPSTREAM_NAME,
    displayName: DEMO_UPSTREAM_DISPLAY_NAME,
    clientId: DEMO_UPSTREAM_CLIENT_ID,
    clientSecret: options.clientSecret,
    domains: DEMO_UPSTREAM_DOMAINS,
    users: DEMO_USERS.map((u) => ({ email: u.email, password: u.password, note: u.note })),
    close: () => upstream.close(),
  };
}
