/**
 * `techpass start` (what `npm start` runs): TechPass on embedded defaults, the
 * demo tenant, and the sample service, then a banner saying where to go.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { systemClock } from '../platform/clock.js';
import type { Config } from '../platform/config.js';
import { createLogger } from '../platform/logger.js';
import { ensureDemo } from './demo.js';
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

export async function runDemo(config: Config, options: { samplePort: number; sample: boolean }): Promise<void> {
  // Keep the terminal readable: warnings and errors only, the banner says the rest.
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const server = await startServer(config, { logger });
  const sampleUrl = `http://localhost:${options.samplePort}`;
  const demo = await ensureDemo(config, server.store, systemClock, sampleUrl);
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
  const width = Math.max(...demo.users.map((u) => (u.username ?? u.email).length));
  const lines = [
    '',
    '  TechPass is running (embedded SQLite, data in ' + path.resolve(config.DATA_DIR) + ')',
    '',
    `  Issuer (OpenID discovery): ${config.PUBLIC_URL}/.well-known/openid-configuration`,
    sample ? `  Sample service:            ${sampleUrl}/   ← click "Login with TechPass"` : '  Sample service:            not started (--no-sample)',
    '',
    '  Demo accounts (TechPass ID / password):',
    ...demo.users.map((u) => `    ${(u.username ?? u.email).padEnd(width)}  ${u.password}   ${u.role}`),
    '',
    "  Every sign-in needs a second factor. On a demo account's first sign-in TechPass asks",
    '  you to set one up. The TechPass Authenticator (number matching) comes first: open the',
    '  link shown under its QR code in a new browser window (that window is then your "phone",',
    `  the app at ${config.PUBLIC_URL}/authenticator/), tap "Add account", go back and continue.`,
    "  The page also offers an authenticator app (TOTP) and a passkey (this browser's screen lock).",
    '  Lost it? "I can\'t use my phone" uses another factor; or: npx techpass user reset-mfa --email EMAIL',
    '',
    `  Demo application "${demo.namespace}" namespace: client id ${demo.application.clientId}`,
    `  Mail goes to the local outbox: npx techpass outbox`,
    '',
    '  Stop with Ctrl+C. Data is kept for the next start.',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
  const stop = () => {
    void Promise.allSettled([sample?.close(), server.close()]).then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
