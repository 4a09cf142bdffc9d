/**
 * The one typed configuration object. Read from environment variables and, when
 * TECHPASS_CONFIG names a JSON file, from that file (the environment wins).
 * A wrong value stops start-up with one line naming the setting and what it expects.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';

const seconds = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/**
 * TRUST_PROXY: `false` (nobody: the client is the connection's peer), a hop count
 * (the number of proxies in front of TechPass, each adding one X-Forwarded-For
 * entry), or the proxies' addresses and CIDR ranges, comma-separated (`loopback`,
 * `linklocal` and `uniquelocal` name the usual ranges). The client is then the
 * rightmost address that is not a trusted proxy. `true` is refused: it would believe
 * whatever a client writes there, and the address feeds the per-address throttle,
 * the phone's prompt and the audit log.
 */
export type TrustProxy = false | { hops: number } | { proxies: string[] };

const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

function isProxyAddress(entry: string): boolean {
  if (PROXY_RANGE_NAMES.includes(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

const TRUST_PROXY_EXPECTED =
  'false, the number of proxies in front of TechPass (e.g. 1), or their addresses or CIDR ranges, comma-separated (e.g. 10.0.0.0/8,loopback)';

function trustProxySetting(value: string, ctx: z.core.$RefinementCtx): TrustProxy {
  const text = value.trim();
  if (text === 'false' || text === '0') return false;
  if (text === 'true') {
    ctx.addIssue({ code: 'custom', message: `true would believe any client's X-Forwarded-For; write ${TRUST_PROXY_EXPECTED}` });
    return z.NEVER;
  }
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops <= 32) return { hops };
  } else {
    const proxies = text.split(',').map((entry) => entry.trim());
    if (proxies.every(isProxyAddress)) return { proxies };
  }
  ctx.addIssue({ code: 'custom', message: `must be ${TRUST_PROXY_EXPECTED}` });
  return z.NEVER;
}

/** A comma-separated list of e-mail domains (`agency.gov.sg`, `*.gov.sg`), lower-cased; empty: none. */
const domainList = z
  .string()
  .default('')
  .transform((v) =>
    v
      .split(',')
      .map((d) => d.trim().toLowerCase().replace(/\.$/, ''))
      .filter(Boolean),
  )
  .refine((list) => list.every((d) => /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/.test(d)), {
    message: 'comma-separated e-mail domains such as agency.gov.sg or *.gov.sg',
  });

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^(postgres(ql)?:\/\/|sqlite:)/, 'a postgres://… URL or sqlite:PATH')
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  MASTER_KEY: z
    .string()
    .regex(/^([0-9a-fA-F]{64}|[A-Za-z0-9_-]{43}=?)$/, '32 bytes as 64 hex characters or base64url')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ACCESS_TOKEN_TTL: seconds(300, 900).default(600),
  ID_TOKEN_TTL: seconds(60, 86_400).default(3600),
  REFRESH_TOKEN_TTL: seconds(300, 90 * 86_400).default(14 * 86_400),
  SESSION_TTL: seconds(300, 30 * 86_400).default(12 * 3600),
  /** How long a device authorization grant's codes live (`techpass login`, RFC 8628). */
  DEVICE_CODE_TTL: seconds(5, 1800).default(600),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'an smtp:// or smtps:// URL')
    .optional(),
  MAIL_FROM: z.string().min(3).default('TechPass <no-reply@techpass.localhost>'),
  /** An HTTP SMS gateway (platform/sms.ts); unset: SMS stay in the local outbox. */
  SMS_GATEWAY_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** The header that authenticates TechPass to the gateway, `Name: value` (e.g. `Authorization: Bearer …`). */
  SMS_GATEWAY_AUTH_HEADER: z
    .string()
    .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+:\s*\S.*$/, 'a header line, Name: value')
    .optional(),
  /** The gateway's request body, with {to} and {text} replaced (JSON-escaped). */
  SMS_GATEWAY_BODY: z.string().min(1).default('{"to":"{to}","text":"{text}"}'),
  SMS_GATEWAY_CONTENT_TYPE: z.string().min(3).default('application/json'),
  /** Who may say, in X-Forwarded-For, which address a request came from: see trustProxySetting. */
  TRUST_PROXY: z.coerce.string().default('false').transform(trustProxySetting),
  /** Lets outbound calls (back-channel logout, webhooks) reach loopback and private addresses: development and tests only. */
  OUTBOUND_ALLOW_PRIVATE: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  /** A bearer token Prometheus presents to read /metrics on the main port; unset: /metrics is not served there. */
  METRICS_TOKEN: z
    .string()
    .regex(/^\S{32,}$/, 'a token of at least 32 characters without spaces (e.g. openssl rand -hex 32)')
    .optional(),
  /** A separate listener for /metrics only (no token), e.g. on a port only the monitoring network reaches. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  KEY_REFRESH_SECONDS: seconds(1, 3600).default(5),
  /** The portal's sessions: the longest one lasts (hours) and how long one may sit unused (minutes). */
  PORTAL_SESSION_HOURS: z.coerce.number().int().min(1).max(24).default(12),
  PORTAL_SESSION_IDLE_MINUTES: z.coerce.number().int().min(5).max(1440).default(60),
  /** Adding or removing one's own second factor needs a sign-in with a second factor this recent (minutes). */
  PORTAL_FRESH_SIGN_IN_MINUTES: z.coerce.number().int().min(1).max(60).default(10),
  /** Longest validity (exp - iat) of a private_key_jwt client assertion the token endpoints accept. */
  CLIENT_ASSERTION_MAX_LIFETIME: seconds(10, 3600).default(300),
  /** Seconds a push (number-matching) challenge waits for an answer on the phone. */
  PUSH_CHALLENGE_TTL: seconds(5, 600).default(90),
  /** Web Push (VAPID) keys, from `techpass authenticator vapid-keys`: wake the authenticator app when a sign-in waits for it. */
  WEB_PUSH_PUBLIC_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{86,88}$/, 'a VAPID public key (base64url; make one with techpass authenticator vapid-keys)')
    .optional(),
  WEB_PUSH_PRIVATE_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{42,44}$/, 'a VAPID private key (base64url; make one with techpass authenticator vapid-keys)')
    .optional(),
  /** Who push services may contact about our messages: a mailto: or https: URL. */
  WEB_PUSH_SUBJECT: z
    .string()
    .regex(/^(mailto:\S+@\S+|https:\/\/\S+)$/, 'a mailto: or https:// URL')
    .optional(),
  LOCKOUT_THRESHOLD: z.coerce.number().int().min(3).max(100).default(10),
  /** Failed passwords allowed from one address in 15 minutes, across all accounts, before it is slowed down. */
  THROTTLE_FAILURES_PER_IP: z.coerce.number().int().min(3).max(100_000).default(50),
  /** Management API (/api/v1) requests a minute per person, or per client address before one is known; 0: no limit. Shared by every node. */
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(600),
  /** Seconds a vendor's SMS activation code works (default 72 hours); `techpass vendor resend-code` issues a new one. */
  VENDOR_ACTIVATION_CODE_TTL: seconds(300, 30 * 86_400).default(72 * 3600),
  /** The domain of local TechPass IDs (`jane_tan@techpass.local`): a name, not a mailbox; mail goes to the account's e-mail. */
  LOCAL_ID_DOMAIN: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^(?=.{3,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/, 'a domain name such as techpass.local')
    .default('techpass.local'),
  /** Getting an account (issue 18). E-mail domains whose people may sign up on their own at /signup. */
  SIGN_UP_DOMAINS: domainList,
  /** E-mail domains whose people must be invited by an officer (sign-up says so). */
  SIGN_UP_INVITE_ONLY_DOMAINS: domainList,
  /** E-mail domains without mailboxes, refused at sign-up with that reason (LOCAL_ID_DOMAIN always is). */
  SIGN_UP_MAILBOXLESS_DOMAINS: domainList,
  /** How long an onboarding link works, in seconds (default 30 days). */
  ONBOARDING_LINK_TTL: seconds(300, 90 * 86_400).default(30 * 86_400),
  /** The sign-up page's proof of work (ALTCHA): the largest number the browser may have to try (higher: slower). */
  ALTCHA_MAX_NUMBER: z.coerce.number().int().min(10).max(10_000_000).default(100_000),
  /** Seconds a sign-up page's proof-of-work challenge stays valid. */
  ALTCHA_CHALLENGE_TTL: seconds(60, 3600).default(1200),
  /** The platform Privacy Policy (a UTF-8 text file, paragraphs separated by empty lines; unset: the built-in text) and its version. */
  PRIVACY_POLICY_FILE: z.string().min(1).optional(),
  PRIVACY_POLICY_VERSION: z.coerce.number().int().min(1).max(1_000_000).default(1),
  /** The platform Terms of Use (as the Privacy Policy) and its version; a new version is asked for at each account's next sign-in. */
  TERMS_OF_USE_FILE: z.string().min(1).optional(),
  TERMS_OF_USE_VERSION: z.coerce.number().int().min(1).max(1_000_000).default(1),
  /** Seconds a registration link sent by invitation works (to an address no integrated provider serves): 5 days. */
  INVITATION_LINK_TTL: seconds(3600, 30 * 86_400).default(5 * 86_400),
});

export type RawConfig = z.infer<typeof schema>;

export interface Config extends Omit<RawConfig, 'PUBLIC_URL' | 'DATABASE_URL'> {
  PUBLIC_URL: string;
  /** Whether PUBLIC_URL was given (environment or file) rather than derived from PORT. */
  publicUrlExplicit: boolean;
  database: { engine: 'sqlite'; file: string } | { engine: 'postgres'; url: string };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const KNOWN = Object.keys(schema.shape);

/** Builds the configuration from `env` (and the file it names); throws ConfigError. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  let fromFile: Record<string, unknown> = {};
  if (env.TECHPASS_CONFIG) {
    try {
      fromFile = JSON.parse(readFileSync(env.TECHPASS_CONFIG, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new ConfigError(`TECHPASS_CONFIG: cannot read ${env.TECHPASS_CONFIG} as a JSON object (${(error as Error).message})`);
    }
    if (typeof fromFile !== 'object' || fromFile === null || Array.isArray(fromFile)) {
      throw new ConfigError(`TECHPASS_CONFIG: ${env.TECHPASS_CONFIG} must hold a JSON object of settings`);
    }
    const unknown = Object.keys(fromFile).filter((k) => !KNOWN.includes(k));
    if (unknown.length) {
      throw new ConfigError(`TECHPASS_CONFIG: unknown setting ${unknown[0]} (expected one of ${KNOWN.join(', ')})`);
    }
  }
  // Removed settings say where their job went, rather than being ignored.
  if ((env.FEDERATED_DOMAINS ?? '') !== '' || 'FEDERATED_DOMAINS' in fromFile) {
    throw new ConfigError(
      'FEDERATED_DOMAINS: removed; e-mail domains now belong to an integrated identity provider (techpass idp add --domains …, see docs/identity-providers.md)',
    );
  }
  const merged: Record<string, unknown> = { ...fromFile };
  for (const key of KNOWN) {
    const value = env[key];
    if (value !== undefined && value !== '') merged[key] = value;
  }
  const parsed = schema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0] ?? 'config');
    const got = merged[key];
    const shown =
      key === 'MASTER_KEY' || key === 'DATABASE_URL' || key === 'SMS_GATEWAY_AUTH_HEADER' || key === 'WEB_PUSH_PRIVATE_KEY' || key === 'METRICS_TOKEN'
        ? ''
        : ` (got ${JSON.stringify(got)})`;
    throw new ConfigError(`${key}: ${describeIssue(issue)}${shown}`);
  }
  const raw = parsed.data;
  const publicUrl = (raw.PUBLIC_URL ?? `http://localhost:${raw.PORT}`).replace(/\/+$/, '');
  const url = raw.DATABASE_URL;
  const database: Config['database'] =
    url && !url.startsWith('sqlite:')
      ? { engine: 'postgres', url }
      : { engine: 'sqlite', file: url ? url.slice('sqlite:'.length) : path.join(raw.DATA_DIR, 'techpass.db') };
  if (database.engine === 'postgres' && !raw.MASTER_KEY) {
    throw new ConfigError('MASTER_KEY: required with PostgreSQL, and the same on every node (32 bytes as 64 hex characters)');
  }
  if (Boolean(raw.WEB_PUSH_PUBLIC_KEY) !== Boolean(raw.WEB_PUSH_PRIVATE_KEY)) {
    throw new ConfigError('WEB_PUSH_PUBLIC_KEY: set both WEB_PUSH_PUBLIC_KEY and WEB_PUSH_PRIVATE_KEY, or neither');
  }
  if (!raw.SMS_GATEWAY_URL && raw.SMS_GATEWAY_AUTH_HEADER) {
    throw new ConfigError('SMS_GATEWAY_AUTH_HEADER: set SMS_GATEWAY_URL too (the header goes to that gateway)');
  }
  const { PUBLIC_URL: _p, DATABASE_URL: _d, ...rest } = raw;
  return { ...rest, PUBLIC_URL: publicUrl, publicUrlExplicit: raw.PUBLIC_URL !== undefined, database };
}

const LOOPBACK_HOSTS = /^(127(\.\d{1,3}){3}|::1|localhost)$/;

/**
 * Embedded mode: one node on SQLite, listening on loopback only, that sends nothing
 * out (no SMTP_URL, no SMS_GATEWAY_URL): what `npm start` runs on a laptop. Only then
 * does TechPass show its outbox in the browser (/dev/outbox), since the messages hold
 * sign-in links and codes. PostgreSQL, a mail server or an SMS gateway, or a listener
 * other machines can reach, is a production configuration.
 */
export function isEmbeddedMode(config: Pick<Config, 'database' | 'SMTP_URL' | 'SMS_GATEWAY_URL' | 'HOST'>): boolean {
  return config.database.engine === 'sqlite' && !config.SMTP_URL && !config.SMS_GATEWAY_URL && LOOPBACK_HOSTS.test(config.HOST);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}`;
    case 'too_small':
      return `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_format':
      return issue.format === 'url' ? 'must be an http(s) URL' : `must be ${issue.message}`;
    default:
      return issue.message;
  }
}
