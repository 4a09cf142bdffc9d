/**
 * The pages oidc-provider renders itself get the headers of ours (platform/page-policy.ts):
 * the form_post page that carries an authorization code to the application (also the
 * sign-out form of a browser without a session), the sign-out and account-switch
 * confirmation, the signed-out page and error pages, and the device authorization
 * grant's pages (`/device`: its link with the code in it answers a self-submitting form).
 *
 * Before the provider answers a path that renders pages (/authorize, /logout), the
 * page headers are set with a fresh nonce in `script-src`: oidc-provider adds the
 * sha256 of the form_post page's one inline script to an existing `script-src`
 * (lib/helpers/script_src_sha.js), so that script runs and no other. After it, any
 * HTML answer of any path that lacks them gets them (renderError and the sign-out
 * hooks set their own CSP, without scripts).
 */
import { randomBytes } from 'node:crypto';
import type Provider from 'oidc-provider';
import { pageHeaders } from '../platform/page-policy.js';

const PAGE_PATHS = ['/authorize', '/logout', '/device'];

const rendersPages = (path: string) => PAGE_PATHS.some((p) => path === p || path.startsWith(`${p}/`));

export function installPageHeaders(provider: Provider, options: { secure: boolean }): void {
  provider.use(async (ctx, next) => {
    if (rendersPages(ctx.path)) ctx.set(pageHeaders(options.secure, randomBytes(16).toString('base64')));
    await next();
    if (!ctx.response.is('html')) return;
    for (const [name, value] of Object.entries(pageHeaders(options.secure))) {
      if (!ctx.response.get(name)) ctx.set(name, value);
    }
  });
}
