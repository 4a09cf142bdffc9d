/** Headers for the pages TechPass renders through Fastify: see platform/page-policy.ts. */
import type { FastifyReply } from 'fastify';
import { pageHeaders } from '../platform/page-policy.js';

/** `scriptNonce` allows the one inline script of a page that updates itself (the push prompt). */
export function setPageHeaders(reply: FastifyReply, secure: boolean, scriptNonce?: string): void {
  reply.headers(pageHeaders(secure, scriptNonce));
}
