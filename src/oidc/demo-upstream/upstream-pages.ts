/**
 * The demo upstream's own pages: sign-in (e-mail and password, with Cancel), sign-out
 * confirmation, signed out, and errors. Plain server-rendered HTML without scripts,
 * branded so nobody mistakes it for TechPass or for a real government sign-in.
 */
export const UPSTREAM_STYLESHEET_PATH = '/upstream.css';

export const UPSTREAM_STYLESHEET = `
body { font-family: system-ui, sans-serif; margin: 0; background: #f3f2f1; color: #1b1b1b; }
.banner { background: #5c2d91; color: #fff; padding: .5rem 1rem; font-size: .9rem; margin: 0; }
main { max-width: 26rem; margin: 2rem auto; background: #fff; padding: 1.5rem 2rem; border-radius: 4px; box-shadow: 0 2px 6px rgba(0,0,0,.15); }
h1 { font-size: 1.5rem; margin-top: 0; }
label { display: block; margin-top: 1rem; font-weight: 600; }
input[type=email], input[type=password] { box-sizing: border-box; width: 100%; padding: .5rem; margin-top: .25rem; font-size: 1rem; border: 1px solid #8a8886; }
.actions { display: flex; gap: .75rem; margin-top: 1.5rem; }
button { font-size: 1rem; padding: .5rem 1.25rem; border: 1px solid #5c2d91; background: #5c2d91; color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: #5c2d91; }
.error { border-left: 4px solid #a4262c; background: #fde7e9; padding: .5rem .75rem; }
.hint { color: #605e5c; font-size: .9rem; }
`;

const escape = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

function layout(issuerName: string, title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} – ${escape(issuerName)}</title>
<link rel="stylesheet" href="${UPSTREAM_STYLESHEET_PATH}">
</head>
<body>
<p class="banner">${escape(issuerName)}: a demo identity provider for trying TechPass locally, not a real government sign-in.</p>
<main>
${body}
</main>
</body>
</html>`;
}

export interface LoginPageInput {
  issuerName: string;
  uid: string;
  clientName: string;
  email: string;
  error?: string;
}

export function loginPage(input: LoginPageInput): string {
  const action = `/interaction/${encodeURIComponent(input.uid)}`;
  const error = input.error ? `<p class="error" role="alert" id="sign-in-error">${escape(input.error)}</p>\n` : '';
  const described = input.error ? ' aria-describedby="sign-in-error"' : '';
  return layout(
    input.issuerName,
    'Sign in',
    `<h1>Sign in to your ${escape(input.issuerName)}</h1>
<p>to continue to ${escape(input.clientName)}</p>
${error}<form method="post" action="${action}/login" id="sign-in">
<label for="email">E-mail address</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${escape(input.email)}"${described}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${input.email ? ' autofocus' : ''}>
</form>
<form method="post" action="${action}/cancel" id="cancel"></form>
<div class="actions">
<button type="submit" form="sign-in">Sign in</button>
<button type="submit" form="cancel" class="secondary">Cancel</button>
</div>`,
  );
}

export function signOutPage(issuerName: string, form: string, clientName: string | undefined): string {
  // oidc-provider's form carries its xsrf token; the hidden field says "yes, sign me out",
  // so a plain form post (no button value) signs out too.
  const confirming = form.replace('</form>', '<input type="hidden" name="logout" value="yes"></form>');
  return layout(
    issuerName,
    'Sign out',
    `<h1>Sign out of your ${escape(issuerName)}?</h1>
${clientName ? `<p>${escape(clientName)} asks to end your session here too.</p>` : ''}
${confirming}
<div class="actions"><button type="submit" form="op.logoutForm">Sign out</button></div>`,
  );
}

export function signedOutPage(issuerName: string): string {
  return layout(issuerName, 'Signed out', `<h1>You have signed out of your ${escape(issuerName)}</h1>`);
}

export function errorPage(issuerName: string, error: string, description?: string): string {
  return layout(
    issuerName,
    'Error',
    `<h1>Something went wrong</h1>
<p class="error" role="alert">${escape(error)}${description ? `: ${escape(description)}` : ''}</p>
<p class="hint">Go back to the application and start again.</p>`,
  );
}
