/**
 * Headers for the pages TechPass renders: no scripts at all (the sign-in pages
 * work without JavaScript), no framing, no referrer, no caching; HSTS behind TLS.
 * `form-action` is left out on purpose: a sign-in form's redirect chain ends at the
 * application's redirect URI, and browsers apply form-action to that chain.
 */
import type { FastifyReply } from 'fastify';

export const PAGE_CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'";

export function setPageHeaders(reply: FastifyReply, secure: boolean): void {
  reply
    .header('content-security-policy', PAGE_CSP)
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store');
  if (secure) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
}
