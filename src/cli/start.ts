/**
 * `techpass start` (what `npm start` runs): TechPass on embedded defaults, the
 * demo tenant, and the sample service, then a banner saying where to go.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { systemClock } from '../platform/clock.js';
import { isEmbeddedMode, type Config } from '../platform/config.js';
import { createLogger } from '../platform/logger.js';
import { ensureDemo } from './demo.js';
import { ensureDemoUpstream } from './demo-upstream.js';
import { DEMO_UPSTREAM_DOMAINS } from '../oidc/demo-upstream/demo-upstream.js';
import { startServer } from './server.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

interface SampleModule {
  startSampleService(options: {
    issuer: string;
    clientId: string;
    clientSecret: string;
    port: number;
    host?: string;
  }): Promise<{ url: string; close(): Promise<void> }>;
}

export async function runDemo(
  given: Config,
  options: { samplePort: number; sample: boolean; upstreamPort: number; upstream: boolean },
): Promise<void> {
  // The demo's identity provider and sample service live on this machine: TechPass may call them
  // (OUTBOUND_ALLOW_PRIVATE), unless the operator said otherwise.
  const allowed: Config = options.upstream && process.env.OUTBOUND_ALLOW_PRIVATE === undefined ? { ...given, OUTBOUND_ALLOW_PRIVATE: true } : given;
  // Officers of the demo provider's domain may sign up on their own, unless the operator configured sign-up.
  const config: Config =
    options.upstream && allowed.SIGN_UP_DOMAINS.length === 0 ? { ...allowed, SIGN_UP_DOMAINS: [...DEMO_UPSTREAM_DOMAINS] } : allowed;
  // Keep the terminal readable: warnings and errors only, the banner says the rest.
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const server = await startServer(config, { logger });
  const sampleUrl = `http://localhost:${options.samplePort}`;
  const demo = await ensureDemo(config, server.store, systemClock, sampleUrl);
  const upstream = options.upstream ? await ensureDemoUpstream(config, server.store, options.upstreamPort) : undefined;
  let sample: { url: string; close(): Promise<void> } | undefined;
  if (options.sample) {
    const mod = (await import(pathToFileURL(path.join(root, 'examples/sample-service/server.js')).href)) as SampleModule;
    sample = await mod.startSampleService({
      issuer: config.PUBLIC_URL,
      clientId: demo.application.clientId,
      clientSecret: demo.application.clientSecret,
      port: options.samplePort,
      host: config.HOST,
    });
  }
  // A demo account of the provider's domain signs in there (with the provider's password).
  const upstreamUser = (email: string) => upstream?.users.find((u) => u.email === email);
  const accounts = [
    ...demo.users.map((u) => {
      const at = upstreamUser(u.email);
      return {
        id: u.username ?? u.email,
        password: at?.password ?? u.password,
        note: at ? `${u.role}: signs in at the ${upstream!.displayName} first` : u.role,
      };
    }),
    ...(upstream?.users ?? [])
      .filter((u) => !demo.users.some((d) => d.email === u.email))
      .map((u) => ({
        id: u.email,
        password: u.password,
        note: `${upstream!.displayName} only, ${u.note.replace(/^no TechPass account: /, 'no TechPass account: ')}`,
      })),
  ];
  const width = Math.max(...accounts.map((a) => a.id.length));
  const pwWidth = Math.max(...accounts.map((a) => a.password.length));
  const lines = [
    '',
    '  TechPass is running (embedded SQLite, data in ' + path.resolve(config.DATA_DIR) + ')',
    '',
    `  Issuer (OpenID discovery): ${config.PUBLIC_URL}/.well-known/openid-configuration`,
    sample ? `  Sample service:            ${sampleUrl}/   ← click "Login with TechPass"` : '  Sample service:            not started (--no-sample)',
    `  TechPass portal:           ${config.PUBLIC_URL}/portal/   ← your account; tenant and platform administration`,
    '',
    '  Demo accounts (TechPass ID / password):',
    ...accounts.map((a) => `    ${a.id.padEnd(width)}  ${a.password.padEnd(pwWidth)}  ${a.note}`),
    '',
    "  Every sign-in needs a second factor. On a demo account's first sign-in TechPass asks",
    '  you to set one up. The TechPass Authenticator (number matching) comes first: open the',
    '  link shown under its QR code in a new browser window (that window is then your "phone",',
    `  the app at ${config.PUBLIC_URL}/authenticator/), tap "Add account", go back and continue.`,
    "  The page also offers an authenticator app (TOTP) and a passkey (this browser's screen lock).",
    '  Lost it? "I can\'t use my phone" uses another factor; or: npx techpass user reset-mfa --email EMAIL',
    '',
    ...(upstream
      ? [
          `  Integrated identity provider: ${upstream.displayName} at ${upstream.issuer}, a local stand-in for the`,
          `  government's Entra ID, serves ${upstream.domains.join(', ')}: type such an address on the sign-in page and`,
          '  TechPass sends you there to sign in, then asks for TechPass MFA (connect your own: docs/identity-providers.md).',
          '',
          ...signUpLines(config, upstream, sample ? `${sampleUrl}/` : undefined),
        ]
      : []),
    `  Demo application "${demo.namespace}" namespace: client id ${demo.application.clientId}`,
    isEmbeddedMode(config)
      ? `  Mail and SMS go to the local outbox: ${config.PUBLIC_URL}/dev/outbox (or npx techpass outbox)`
      : `  Mail goes to the local outbox: npx techpass outbox`,
    '',
    '  Stop with Ctrl+C. Data is kept for the next start.',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
  const stop = () => {
    void Promise.allSettled([sample?.close(), upstream?.close(), server.close()]).then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** How a newcomer signs up as a new officer: a person of the demo provider without a TechPass account. */
function signUpLines(
  config: Config,
  upstream: { displayName: string; users: Array<{ email: string; password: string; note: string }> },
  sample: string | undefined,
): string[] {
  const newcomer = upstream.users.find((u) => u.note.startsWith('no TechPass account'));
  if (!newcomer || !isEmbeddedMode(config)) return [];
  return [
    '  Sign up as a new officer:',
    `    1. ${sample ? `at ${sample} click "Login with TechPass", then` : 'on the sign-in page'} click "Sign up" and enter ${newcomer.email}`,
    `    2. open the onboarding mail at ${config.PUBLIC_URL}/dev/outbox and its link, then Continue`,
    `    3. sign in at the ${upstream.displayName} as ${newcomer.email} / ${newcomer.password}, set up a second factor,`,
    '       accept the Privacy Policy and Terms of Use: the account is active and you are signed in.',
    '',
  ];
}
