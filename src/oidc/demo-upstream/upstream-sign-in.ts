/**
 * The demo upstream's sign-in interaction (`/interaction/:uid`): the page asks for an
 * e-mail address (prefilled from `login_hint`) and a password; a right pair finishes the
 * interaction with a login, Cancel finishes it with `access_denied`. Consent is implied
 * (upstream-provider.ts grants what a request asks), so login is the only prompt.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import { errorPage, loginPage } from './upstream-pages.js';
import type { UpstreamProvider, UpstreamUser } from './upstream-types.js';

export interface SignInDeps {
  /** The provider of the moment (it is rebuilt when keys or clients change). */
  provider(): Provider;
  findUser(email: string): UpstreamUser | undefined;
  clientName(clientId: string): string;
  issuerName: string;
  headers: Record<string, string>;
  /** Read at each sign-in, so a test may change them while the upstream runs. */
  hooks: Pick<UpstreamProvider, 'amr' | 'authorizationError'>;
}

const MAX_FORM_BYTES = 16 * 1024;

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) throw new Error('form too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** Compares digests, so neither the length nor the content of the password shows in the timing. */
const samePassword = (a: string, b: string) => timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

function send(res: ServerResponse, headers: Record<string, string>, status: number, html: string): void {
  res.writeHead(status, { ...headers, 'content-type': 'text/html; charset=utf-8' });
  res.end(html);
}

/** GET shows the page; POST with `action` "login" or "cancel" finishes the interaction. */
export async function signInPage(deps: SignInDeps, req: IncomingMessage, res: ServerResponse, action: string | undefined): Promise<void> {
  const { issuerName, headers, hooks } = deps;
  const provider = deps.provider();
  const details = await provider.interactionDetails(req, res).catch(() => undefined);
  if (!details) {
    send(res, headers, 400, errorPage(issuerName, 'This sign-in has expired or was already completed', 'start again from the application'));
    return;
  }
  const finish = (result: Parameters<Provider['interactionFinished']>[2]) =>
    provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  if (details.prompt.name !== 'login') {
    send(res, headers, 400, errorPage(issuerName, `Unexpected prompt ${details.prompt.name}`));
    return;
  }
  if (hooks.authorizationError) return finish(hooks.authorizationError);
  const view = { issuerName, uid: details.uid, clientName: deps.clientName(String(details.params.client_id)) };
  if (req.method === 'GET' && action === undefined) {
    const hint = typeof details.params.login_hint === 'string' ? details.params.login_hint : '';
    send(res, headers, 200, loginPage({ ...view, email: hint }));
    return;
  }
  if (req.method !== 'POST' || action === undefined) {
    send(res, headers, 405, errorPage(issuerName, 'Method not allowed'));
    return;
  }
  if (action === 'cancel') return finish({ error: 'access_denied', error_description: 'The user cancelled the sign-in.' });
  const form = await readForm(req);
  const email = (form.get('email') ?? '').trim();
  const user = deps.findUser(email);
  // An unknown address and a wrong password get the same answer.
  if (!user || !samePassword(user.password, form.get('password') ?? '')) {
    send(res, headers, 401, loginPage({ ...view, email, error: 'That e-mail address and password do not match an account here.' }));
    return;
  }
  return finish({ login: { accountId: user.sub, amr: [...hooks.amr] } });
}
