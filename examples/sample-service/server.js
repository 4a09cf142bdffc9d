/**
 * Sample Service — a tenant of TechPass.
 *
 * A minimal relying party, written the way a tenant (an engineering service)
 * would add "Login with TechPass" to its own site: the OpenID Connect
 * authorization-code flow with PKCE (S256), state and nonce, using only
 * `openid-client` (v6) and `node:http`. Plain ESM, no build step.
 *
 *   GET  /          sign-in button, or the signed-in user's claims (ID token + UserInfo)
 *   GET  /login     start sign-in (optional ?prompt=select_account passthrough)
 *   GET  /callback  finish sign-in (the registered redirect URI)
 *   POST /logout    clear the local session, then RP-initiated logout
 *   GET  /healthz   "ok"
 *
 * Use as a module: `startSampleService({ issuer, clientId, clientSecret })`, or
 * run directly with TECHPASS_ISSUER, SAMPLE_CLIENT_ID, SAMPLE_CLIENT_SECRET and
 * SAMPLE_PORT (default 3001) in the environment.
 *
 * Sessions live in an in-memory Map keyed by a random HttpOnly cookie: fine for
 * a sample, not for a service running more than one instance.
 */
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import * as client from 'openid-client';

const COOKIE = 'sample_sid';
const LOGIN_TTL_MS = 10 * 60 * 1000; // an unfinished sign-in
const SESSION_TTL_MS = 8 * 60 * 60 * 1000; // a signed-in session
const CLAIMS = ['sub', 'name', 'email', 'preferred_username', 'groups', 'amr', 'acr', 'tid'];

export function escapeHtml(value) {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

const CSS = `
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f6f9;color:#1f2933}
header{background:#0b3d5c;color:#fff;padding:14px 28px;display:flex;align-items:baseline;gap:12px}
header b{font-size:18px}header span{opacity:.75;font-size:13px}
main{max-width:760px;margin:40px auto;padding:0 20px}
.card{background:#fff;border:1px solid #dde3ea;border-radius:8px;padding:28px 32px;box-shadow:0 1px 2px rgba(0,0,0,.04)}
h1{font-size:22px;margin:0 0 8px}p{margin:8px 0 16px}.muted{color:#52606d}
.btn{display:inline-block;border:0;border-radius:6px;padding:12px 22px;font:inherit;font-weight:600;cursor:pointer;text-decoration:none}
.btn-primary{background:#1565c0;color:#fff;font-size:17px;padding:14px 30px}.btn-primary:hover{background:#0d4f9c}
.btn-secondary{background:#e4e7eb;color:#1f2933}.btn-secondary:hover{background:#cbd2d9}
table{border-collapse:collapse;width:100%;margin:16px 0 24px}
th,td{text-align:left;padding:8px 10px;border-bottom:1px solid #e4e7eb;vertical-align:top}
th{width:190px;font-weight:600;color:#52606d}thead th{width:auto;color:#1f2933;border-bottom:2px solid #cbd2d9}td{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:13px;word-break:break-all}
.error{border-left:4px solid #c62828}code{background:#f0f2f5;padding:1px 5px;border-radius:4px}
footer{text-align:center;color:#7b8794;font-size:12px;margin:24px 0}`;

function page(title, body) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} · Sample Service</title><style>${CSS}</style></head>
<body><header><b>Sample Service</b><span>a tenant of TechPass</span></header>
<main>${body}</main><footer>An example relying party for TechPass single sign-on.</footer></body></html>`;
}

function errorPage(title, message, detail) {
  return page(
    title,
    `<div class="card error"><h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(message)}</p>${detail ? `<p class="muted"><code>${escapeHtml(detail)}</code></p>` : ''}
<p><a class="btn btn-secondary" href="/">Back to Sample Service</a></p></div>`,
  );
}

function formatClaim(value) {
  if (value === undefined || value === null) return '—';
  if (Array.isArray(value)) return value.length ? value.join(', ') : '(none)';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function homePage(session) {
  if (!session?.claims) {
    return page(
      'Sign in',
      `<div class="card"><h1>Welcome to Sample Service</h1>
<p class="muted">This engineering service uses TechPass for single sign-on.</p>
<p><a class="btn btn-primary" href="/login">Login with TechPass</a></p>
<p class="muted"><a href="/login?prompt=select_account">Use a different TechPass account</a></p></div>`,
    );
  }
  const c = session.claims;
  const u = session.userinfo ?? {};
  const cell = (v) => `<td>${escapeHtml(formatClaim(v))}</td>`;
  const rows = CLAIMS.map((k) => `<tr><th>${escapeHtml(k)}</th>${cell(c[k])}${cell(u[k])}</tr>`).join('');
  const who = c.name ?? u.name ?? c.preferred_username ?? u.preferred_username ?? c.sub;
  const email = c.email ?? u.email;
  return page(
    'Signed in',
    `<div class="card"><h1>Signed in as ${escapeHtml(who)}${email ? ` (${escapeHtml(email)})` : ''}</h1>
<p class="muted">Claims issued by TechPass (the ID token, and the UserInfo endpoint for comparison):</p>
<table><thead><tr><th>Claim</th><th>ID token</th><th>UserInfo</th></tr></thead>${rows}</table>
<form method="post" action="/logout"><button class="btn btn-secondary" type="submit">Sign out</button></form></div>`,
  );
}

export async function startSampleService({ issuer, clientId, clientSecret, port = 3001, host = '127.0.0.1', publicUrl } = {}) {
  if (!issuer || !clientId) throw new TypeError('startSampleService: issuer and clientId are required');
  const issuerUrl = new URL(issuer);
  const sessions = new Map(); // sid -> { expires, pkceCodeVerifier?, state?, nonce?, claims?, userinfo?, idToken? }
  let base; // public base URL, fixed once the port is known
  let config; // cached openid-client Configuration
  let discovering; // in-flight discovery, shared by concurrent requests

  // Lazy, retried discovery: only a successful result is cached.
  function getConfig() {
    if (config) return Promise.resolve(config);
    discovering ??= client
      .discovery(
        issuerUrl,
        clientId,
        clientSecret,
        undefined,
        issuerUrl.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : undefined,
      )
      .then((c) => (config = c))
      .finally(() => {
        discovering = undefined;
      });
    return discovering;
  }

  function getSession(req) {
    const sid = parseCookies(req.headers.cookie)[COOKIE];
    const s = sid && sessions.get(sid);
    if (!s) return undefined;
    if (s.expires < Date.now()) {
      sessions.delete(sid);
      return undefined;
    }
    return { sid, ...s };
  }

  function newSession(res, data, ttl) {
    const sid = randomBytes(32).toString('base64url');
    sessions.set(sid, { ...data, expires: Date.now() + ttl });
    setCookie(res, sid, Math.floor(ttl / 1000));
    return sid;
  }

  function setCookie(res, value, maxAge) {
    const secure = base.startsWith('https:') ? '; Secure' : '';
    res.setHeader('Set-Cookie', `${COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure}`);
  }

  function unreachable(res, err) {
    send(
      res,
      503,
      errorPage(
        'TechPass is unreachable',
        `Sample Service could not reach TechPass at ${issuer}. It may still be starting; please try again in a moment.`,
        err?.message,
      ),
    );
  }

  async function handle(req, res) {
    const url = new URL(req.url, base);
    const route = `${req.method} ${url.pathname}`;

    if (route === 'GET /healthz' || route === 'HEAD /healthz') return send(res, 200, 'ok', 'text/plain; charset=utf-8');
    if (route === 'GET /') return send(res, 200, homePage(getSession(req)));

    if (route === 'GET /login') {
      let cfg;
      try {
        cfg = await getConfig();
      } catch (err) {
        return unreachable(res, err);
      }
      const pkceCodeVerifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const old = getSession(req);
      if (old) sessions.delete(old.sid);
      newSession(res, { pkceCodeVerifier, state, nonce }, LOGIN_TTL_MS);
      const params = {
        redirect_uri: `${base}/callback`,
        scope: 'openid profile email',
        code_challenge: await client.calculatePKCECodeChallenge(pkceCodeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      };
      if (url.searchParams.get('prompt') === 'select_account') params.prompt = 'select_account';
      return redirect(res, client.buildAuthorizationUrl(cfg, params).href);
    }

    if (route === 'GET /callback') {
      const s = getSession(req);
      const error = url.searchParams.get('error');
      if (error) {
        if (s?.state) sessions.delete(s.sid);
        return send(
          res,
          400,
          errorPage('Sign-in was not completed', url.searchParams.get('error_description') || 'TechPass returned an error.', `error=${error}`),
        );
      }
      if (!s?.state) {
        return send(res, 400, errorPage('Sign-in session expired', 'This sign-in attempt is unknown or has expired. Please start again.'));
      }
      let cfg;
      try {
        cfg = await getConfig();
      } catch (err) {
        return unreachable(res, err);
      }
      sessions.delete(s.sid); // one use only, whatever the outcome
      try {
        // Build the current URL from the public base so it matches the registered redirect URI.
        const currentUrl = new URL(`${base}/callback${url.search}`);
        const tokens = await client.authorizationCodeGrant(cfg, currentUrl, {
          pkceCodeVerifier: s.pkceCodeVerifier,
          expectedState: s.state,
          expectedNonce: s.nonce,
          idTokenExpected: true,
        });
        const claims = tokens.claims();
        // Best effort: some providers put profile claims only in UserInfo.
        const userinfo = await client.fetchUserInfo(cfg, tokens.access_token, claims.sub).catch(() => undefined);
        newSession(res, { claims, userinfo, idToken: tokens.id_token }, SESSION_TTL_MS);
        return redirect(res, '/');
      } catch (err) {
        const detail = err?.error ? `${err.error}${err.error_description ? `: ${err.error_description}` : ''}` : err?.message;
        return send(res, 400, errorPage('Sign-in failed', 'TechPass sign-in could not be completed.', detail));
      }
    }

    if (route === 'POST /logout') {
      req.resume(); // the form body carries nothing we need
      const s = getSession(req);
      if (s) sessions.delete(s.sid);
      setCookie(res, '', 0);
      let cfg;
      try {
        cfg = await getConfig();
      } catch {
        return redirect(res, '/');
      }
      if (!cfg.serverMetadata().end_session_endpoint) return redirect(res, '/');
      const params = { post_logout_redirect_uri: `${base}/` };
      if (s?.idToken) params.id_token_hint = s.idToken;
      else params.client_id = clientId;
      return redirect(res, client.buildEndSessionUrl(cfg, params).href);
    }

    return send(res, 404, errorPage('Not found', `There is no page at ${url.pathname}.`));
  }

  // Drop expired sessions now and then.
  const sweeper = setInterval(() => {
    const now = Date.now();
    for (const [sid, s] of sessions) if (s.expires < now) sessions.delete(sid);
  }, 60_000);
  sweeper.unref();

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      console.error('sample-service:', err);
      if (!res.headersSent) send(res, 500, errorPage('Something went wrong', 'An unexpected error occurred.'));
      else res.end();
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = server.address().port;
  base = (publicUrl ?? `http://localhost:${actualPort}`).replace(/\/+$/, '');

  return {
    url: base,
    close: () =>
      new Promise((resolve, reject) => {
        clearInterval(sweeper);
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections?.();
      }),
  };
}

function parseCookies(header = '') {
  const out = {};
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}

function send(res, status, body, type = 'text/html; charset=utf-8') {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  res.end(body);
}

function redirect(res, location) {
  res.writeHead(302, { Location: location, 'Cache-Control': 'no-store' });
  res.end();
}

// Run directly: node examples/sample-service/server.js
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { TECHPASS_ISSUER, SAMPLE_CLIENT_ID, SAMPLE_CLIENT_SECRET, SAMPLE_PORT, SAMPLE_PUBLIC_URL } = process.env;
  if (!TECHPASS_ISSUER || !SAMPLE_CLIENT_ID) {
    console.error('Set TECHPASS_ISSUER, SAMPLE_CLIENT_ID and SAMPLE_CLIENT_SECRET (and optionally SAMPLE_PORT).');
    process.exit(1);
  }
  const svc = await startSampleService({
    issuer: TECHPASS_ISSUER,
    clientId: SAMPLE_CLIENT_ID,
    clientSecret: SAMPLE_CLIENT_SECRET,
    port: SAMPLE_PORT ? Number(SAMPLE_PORT) : 3001,
    publicUrl: SAMPLE_PUBLIC_URL,
  });
  console.log(`Sample Service listening on ${svc.url} (issuer ${TECHPASS_ISSUER})`);
  for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => svc.close().then(() => process.exit(0)));
}
