/**
 * The one definition of a request's client address, and of its origin.
 *
 * The client is the rightmost address in the chain (the connection's peer, then
 * X-Forwarded-For from right to left) that is not a trusted proxy, as TRUST_PROXY
 * says (config.ts). Fastify's `request.ip` is given the same trust function, and
 * computes it with the same library (@fastify/proxy-addr), so `request.ip`, the
 * provider's fast path and the provider itself (through the pinned header) agree.
 * Fastify's own hop-count option is not used: it trusts nothing (it cannot check
 * the peer), and a hop count here trusts the first N hops as the operator says.
 */
import type { IncomingMessage } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';
import type { TrustProxy } from '../platform/config.js';
import { CLIENT_ADDRESS_HEADER } from '../platform/request-origin.js';

export type ProxyTrust = (address: string, hop: number) => boolean;

/** The trust function for TRUST_PROXY, or false when no proxy is trusted. */
export function proxyTrust(setting: TrustProxy): ProxyTrust | false {
  if (setting === false) return false;
  if ('hops' in setting) {
    const { hops } = setting;
    return (_address, hop) => hop < hops;
  }
  return proxyAddr.compile(setting.proxies);
}

/** The client address of `req`: the connection's peer unless it is a trusted proxy. */
export function clientAddress(req: IncomingMessage, trust: ProxyTrust | false): string {
  if (!trust) return req.socket.remoteAddress ?? '';
  const chain = proxyAddr.all(req, trust);
  return chain[chain.length - 1] ?? '';
}

/**
 * Pins what the provider reads as the request's scheme, host and client address
 * (see request-origin.ts): PUBLIC_URL's, and the address computed here, whatever the
 * client sent in Host or X-Forwarded-*.
 */
export function pinRequestOrigin(req: IncomingMessage, publicUrl: URL, client: string): void {
  req.headers['x-forwarded-proto'] = publicUrl.protocol.slice(0, -1);
  req.headers['x-forwarded-host'] = publicUrl.host;
  req.headers[CLIENT_ADDRESS_HEADER] = client;
}
