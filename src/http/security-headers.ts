/** Headers for the pages TechPass renders: the page CSP, no framing, no referrer, no caching; HSTS behind TLS. */
import type { FastifyReply } from 'fastify';
import { PAGE_CSP } from '../platform/page-policy.js';

export function setPageHeaders(reply: FastifyReply, secure: boolean): void {
  reply
    .header('content-security-policy', PAGE_CSP)
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store');
  if (secure) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
}
