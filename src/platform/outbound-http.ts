/**
 * TechPass's own outbound HTTP calls to addresses an administrator configured (an
 * upstream identity provider's discovery document, later its keys and token
 * endpoint), under the rules oidc-provider applies to its own calls
 * (src/oidc/outbound-fetch.ts, DESIGN §4):
 *
 *   - loopback, private and other special-use addresses are refused, unless the
 *     operator set OUTBOUND_ALLOW_PRIVATE (development, tests); the host name is
 *     resolved first, so a public name pointing at 10.0.0.5 is refused too;
 *   - every call has a deadline (oidc-provider gives its own 2.5 s; an identity
 *     provider across the internet gets 5 s by default);
 *   - redirects are not followed (a discovery document or a key set that moved is
 *     a configuration to fix, not a hop to take silently);
 *   - a body is read up to a size limit, never whole into memory on trust.
 *
 * The address check happens before the connection, so a name that changes its
 * answer between the check and the connection (DNS rebinding) is not caught: the
 * targets here are configured by a platform administrator, not by callers.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

export type OutboundFetch = (input: string | URL, init?: RequestInit) => Promise<Response>;

export interface OutboundRules {
  /** OUTBOUND_ALLOW_PRIVATE: loopback and private addresses may be called. */
  allowPrivate: boolean;
  /** Deadline of one call, connection to last byte of the headers (default 5000 ms). */
  timeoutMs?: number;
}

/** IANA special-use ranges (RFC 6890 and successors): what a public service never needs to call. */
const SPECIAL_USE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  SPECIAL_USE.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  SPECIAL_USE.addSubnet(network, prefix, 'ipv6');
}

/** Whether `address` (an IP literal) is loopback, private or otherwise special-use. */
export function isSpecialUseAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped) return SPECIAL_USE.check(mapped[1]!, 'ipv4');
  const family = isIP(bare);
  if (family === 0) return false;
  return SPECIAL_USE.check(bare, family === 4 ? 'ipv4' : 'ipv6');
}

/** An outbound call that could not be made or read; `reason` is what an operator needs to fix it. */
export class OutboundError extends Error {
  override name = 'OutboundError';
  constructor(
    readonly reason: 'refused' | 'network' | 'timeout' | 'too_large',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Answers why `url` must not be called under `allowPrivate`, or null when it may.
 * A host name that does not resolve is left to the call itself to report.
 */
export async function outboundTargetProblem(url: URL, allowPrivate: boolean): Promise<string | null> {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `${url.protocol} URLs are never called`;
  if (url.username || url.password) return 'URLs with a user name or password are never called';
  if (allowPrivate) return null;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) {
    return isSpecialUseAddress(host) ? `${host} is a loopback, private or special-use address (allowed only with OUTBOUND_ALLOW_PRIVATE)` : null;
  }
  if (host === 'localhost' || host.endsWith('.localhost')) {
    return `${host} is a loopback name (allowed only with OUTBOUND_ALLOW_PRIVATE)`;
  }
  let addresses: Array<{ address: string }>;
  try {
    addresses = await lookup(host, { all: true });
  } catch {
    return null;
  }
  const special = addresses.find((a) => isSpecialUseAddress(a.address));
  return special
    ? `${host} resolves to ${special.address}, a loopback, private or special-use address (allowed only with OUTBOUND_ALLOW_PRIVATE)`
    : null;
}

/** Names the cause of a failed fetch the way an operator reads it: `ECONNREFUSED 127.0.0.1:9`, `getaddrinfo ENOTFOUND idp.example`. */
function describeNetworkError(error: unknown): string {
  let cause: unknown = error;
  while (cause instanceof Error && cause.cause instanceof Error) cause = cause.cause;
  const e = cause as NodeJS.ErrnoException & { address?: string; port?: number };
  if (e?.code && e.message) return e.message.includes(e.code) ? e.message : `${e.code}: ${e.message}`;
  return e instanceof Error ? e.message : String(error);
}

/**
 * A `fetch` that keeps the rules above: refuses special-use targets (unless allowed),
 * stops at the deadline, never follows a redirect. Failures throw OutboundError.
 * Usable wherever a library takes a custom fetch (openid-client's `customFetch`).
 */
export function guardedFetch(rules: OutboundRules): OutboundFetch {
  const timeoutMs = rules.timeoutMs ?? 5000;
  return async (input, init = {}) => {
    const url = new URL(input);
    const problem = await outboundTargetProblem(url, rules.allowPrivate);
    if (problem) throw new OutboundError('refused', problem);
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    try {
      return await globalThis.fetch(url, { ...init, redirect: 'manual', signal });
    } catch (error) {
      if (deadline.aborted) throw new OutboundError('timeout', `no answer within ${timeoutMs / 1000} s`);
      throw new OutboundError('network', describeNetworkError(error));
    }
  };
}

/** Reads a response body as text, refusing (and cancelling) one longer than `maxBytes`. */
export async function readBoundedText(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw new OutboundError('too_large', `the answer is ${declared} bytes, more than the ${maxBytes} accepted`);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let read: ReadableStreamReadResult<Uint8Array>;
    try {
      read = await reader.read();
    } catch (error) {
      // The call's deadline covers the body too.
      const timedOut = (error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError';
      throw new OutboundError(timedOut ? 'timeout' : 'network', timedOut ? 'the answer did not arrive in time' : describeNetworkError(error));
    }
    const { done, value } = read;
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new OutboundError('too_large', `the answer is longer than the ${maxBytes} bytes accepted`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
