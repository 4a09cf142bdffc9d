/**
 * A passkey prompt: the button hands the WebAuthn options to navigator.credentials
 * (through @simplewebauthn/browser, served from /login/assets/webauthn.js) and
 * posts what the authenticator answers. The button stays disabled until the
 * script (allowed by the page's nonce) has run.
 */
import { Button } from '@govtechsg/sgds-react';
import type { ReactNode } from 'react';
import { Hidden, type FormContext } from './form-parts.js';
import { ASSETS, Notice } from './layout.js';

export function PasskeyForm({
  f,
  step,
  options,
  mode,
  nonce,
  label,
  variant = 'primary',
  children,
}: {
  f: FormContext;
  step: string;
  options: unknown;
  mode: 'sign-in' | 'register';
  nonce: string;
  label: string;
  /** outline-primary where the passkey is the other way in (the identify page); such a page says nothing without JavaScript. */
  variant?: 'primary' | 'outline-primary';
  children?: ReactNode;
}) {
  const script = `(function(){var form=document.getElementById('tp-passkey-form'),button=document.getElementById('tp-passkey-start'),out=document.getElementById('tp-passkey-error');var options=JSON.parse(form.getAttribute('data-options'));var register=form.getAttribute('data-mode')==='register';button.disabled=false;button.addEventListener('click',function(){out.textContent='';button.disabled=true;var run=register?SimpleWebAuthnBrowser.startRegistration({optionsJSON:options}):SimpleWebAuthnBrowser.startAuthentication({optionsJSON:options});run.then(function(r){form.querySelector('[name=response]').value=JSON.stringify(r);form.submit()}).catch(function(e){button.disabled=false;out.textContent=e&&e.name==='NotAllowedError'?'The passkey request was cancelled or timed out. Try again.':e&&e.name==='InvalidStateError'?'This passkey is already registered. Use another one.':'Your browser could not use a passkey: '+((e&&e.message)||e)})})})();`;
  return (
    <>
      <form method="post" action={`${f.action}/${step}`} id="tp-passkey-form" data-options={JSON.stringify(options)} data-mode={mode}>
        <Hidden csrf={f.csrf} />
        <input type="hidden" name="response" value="" />
        {children}
      </form>
      <p className="tp-problem" id="tp-passkey-error" role="alert" aria-live="polite" />
      {variant === 'primary' ? (
        <noscript>
          <Notice variant="warning">Passkeys need JavaScript. Turn it on, or use another method.</Notice>
        </noscript>
      ) : null}
      <div className="tp-actions">
        <Button type="button" variant={variant} id="tp-passkey-start" disabled>
          {label}
        </Button>
      </div>
      <script nonce={nonce} src={`${ASSETS}/webauthn.js`} />
      <script nonce={nonce} dangerouslySetInnerHTML={{ __html: script }} />
    </>
  );
}
