/** Headers for the pages TechPass renders: the page CSP, no framing, no referrer, no caching; HSTS behind TLS. */
import type { FastifyReply } from 'fastify';
import { PAGE_CSP } from '../platform/page-policy.js';

/** `scriptNonce` allows the one inline script of a page that updates itself (the push prompt). */
export function setPageHeaders(reply: FastifyReply, secure: boolean, scriptNonce?: string): void {
  const csp = scriptNonce ? `${PAGE_CSP}; script-src 'nonce-${scriptNonce}'; connect-src 'self'` : PAGE_CSP;
  reply
    .header('content-security-policy', csp)
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store');
  if (secure) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
}
