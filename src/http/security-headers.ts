/** Headers for the pages TechPass renders through Fastify: see platform/page-policy.ts. */
import type { FastifyReply } from 'fastify';
import { pageHeaders } from '../platform/page-policy.js';

/** `scriptNonce` allows the scripts of a page that updates itself (the push prompt's watcher, /login/assets/watcher.js, and the inline call that starts it). */
export function setPageHeaders(reply: FastifyReply, secure: boolean, scriptNonce?: string): void {
  reply.headers(pageHeaders(secure, scriptNonce));
}
