/**
 * Structured JSON logs (pino). Authorization headers, cookies, device signatures,
 * passwords, secrets, links and tokens are redacted wherever they appear in a
 * logged object (one level deep: pino's wildcard). Paths are made safe before they
 * are logged (src/http/log-path.ts).
 */
import { pino, type Logger } from 'pino';

export type { Logger };

const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-techpass-signature"]',
  'res.headers["set-cookie"]',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["set-cookie"]',
  '*.cookie',
  '*.authorization',
  '*.csrf',
  '*.privateJwk',
  '*.link',
  '*.password',
  '*.clientSecret',
  '*.client_secret',
  '*.secret',
  '*.token',
  '*.access_token',
  '*.refresh_token',
  '*.id_token',
  '*.code',
  '*.signature',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'techpass' },
      redact: { paths: REDACT, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
