/**
 * Which public URL a CLI command puts in the links it makes and the issuer it prints:
 * the one the server runs with, as the server recorded it at its last start. The CLI's
 * own default (http://localhost:$PORT) says nothing about where the server answers, so
 * links made with it pointed nowhere whenever the server ran elsewhere.
 *
 * - A server has started: its recorded URL, unless PUBLIC_URL is set for the CLI too and
 *   names another URL; then the command refuses (one of the two is misconfigured, and a
 *   link to the wrong one must not be mailed or printed).
 * - No server has started yet (first use): the CLI's own configuration, the URL a server
 *   started with the same settings would record.
 */
import { ErrorCodes } from '../contracts/errors.js';
import type { Config } from '../platform/config.js';
import { CommandError } from './output.js';

/** The same URL written two ways (a trailing slash, an upper-case host, an explicit default port) compares equal. */
function sameUrl(a: string, b: string): boolean {
  const normal = (url: string) => new URL(url).href.replace(/\/+$/, '');
  return normal(a) === normal(b);
}

/** `config` with PUBLIC_URL set to the server's; throws a CommandError when an explicit PUBLIC_URL disagrees. */
export function withServerIssuer(config: Config, recorded: string | null): Config {
  if (recorded === null) return config;
  if (!config.publicUrlExplicit) return { ...config, PUBLIC_URL: recorded };
  if (sameUrl(config.PUBLIC_URL, recorded)) return { ...config, PUBLIC_URL: recorded };
  throw new CommandError(
    `PUBLIC_URL is ${config.PUBLIC_URL} here but the server runs with ${recorded}: unset PUBLIC_URL to use the server's, ` +
      `or set it to ${recorded} (restart the server to change it)`,
    ErrorCodes.publicUrlMismatch,
    'PUBLIC_URL',
  );
}
