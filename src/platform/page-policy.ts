/**
 * The headers of every page TechPass serves, whoever renders it (our pages through
 * Fastify, http/security-headers.ts; the provider's own pages, oidc/page-headers.ts):
 *
 * - the content security policy: no scripts but those a page names by nonce (or, on
 *   the provider's form_post page, by hash), no framing, styles and images from
 *   itself. `form-action` is left out on purpose: a sign-in or sign-out form's
 *   redirect chain ends at the application's URL, and browsers apply form-action to it;
 * - no framing in browsers without frame-ancestors (X-Frame-Options), no sniffing,
 *   no referrer, no caching; HSTS behind TLS.
 */
export const PAGE_CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'";

/** The page CSP; with `scriptNonce`, inline scripts carrying that nonce may run and talk to this origin. */
export function pageCsp(scriptNonce?: string): string {
  return scriptNonce ? `${PAGE_CSP}; script-src 'nonce-${scriptNonce}'; connect-src 'self'` : PAGE_CSP;
}

export function pageHeaders(secure: boolean, scriptNonce?: string): Record<string, string> {
  return {
    'content-security-policy': pageCsp(scriptNonce),
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    ...(secure ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
  };
}
