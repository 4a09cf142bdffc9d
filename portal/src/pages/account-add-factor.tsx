/**
 * My Account › Security › Add a second factor: the TechPass Authenticator (a QR code the
 * phone scans; the page waits until it has), an authenticator app (a QR code or the
 * secret, then a code from the app) or a passkey (made by the browser). One enrolment
 * at a time (`POST /me/factor-enrolments`, then `…/{id}/complete`); it lasts 10 minutes.
 */
import { Button, Form } from '@govtechsg/sgds-react';
import { startRegistration, type PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/browser';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, get } from '../api.js';
import { CopyButton, fieldError, Notice, Problem } from '../parts.js';
import type { Factor } from '../factors.js';
import { FreshSignInNotice, needsFreshSignIn } from './account-fresh.js';

type Method = 'authenticator' | 'totp' | 'passkey';

interface Enrolment {
  id: string;
  method: Method;
  expiresAt: number;
  totp?: { secret: string; uri: string; qrSvg: string };
  passkey?: { options: PublicKeyCredentialCreationOptionsJSON };
  authenticator?: { link: string; qrSvg: string };
}

const METHODS: Array<{ method: Method; name: string; about: string }> = [
  { method: 'authenticator', name: 'TechPass Authenticator', about: 'Approve sign-ins on your phone by typing the number the browser shows.' },
  { method: 'totp', name: 'Authenticator app', about: 'Type a 6-digit code from an app such as Google or Microsoft Authenticator.' },
  { method: 'passkey', name: 'Passkey', about: 'Use this device’s screen lock, a phone or a security key. It cannot be phished.' },
];

export function AddFactor({ onAdded }: { onAdded: (factor: Factor) => void }) {
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const start = (method: Method) => {
    setBusy(true);
    setError(null);
    api<Enrolment>('POST', '/me/factor-enrolments', { body: { method } })
      .then(({ body }) => setEnrolment(body))
      .catch(setError)
      .finally(() => setBusy(false));
  };
  const finished = (factor: Factor) => {
    setEnrolment(null);
    onAdded(factor);
  };

  return (
    <section aria-labelledby="tp-add-factor" className="mt-4">
      <h2 id="tp-add-factor">Add a second factor</h2>
      {needsFreshSignIn(error) ? <FreshSignInNotice /> : error ? <Problem error={error} /> : null}
      {!enrolment ? (
        <ul className="list-unstyled tp-factor-choices">
          {METHODS.map((m) => (
            <li key={m.method} className="mb-3">
              <Button variant="outline-primary" disabled={busy} onClick={() => start(m.method)}>
                Add {m.name === 'Passkey' ? 'a passkey' : m.name === 'Authenticator app' ? 'an authenticator app' : 'the TechPass Authenticator'}
              </Button>
              <span className="ms-2 text-muted small">{m.about}</span>
            </li>
          ))}
        </ul>
      ) : enrolment.method === 'totp' ? (
        <TotpEnrolment enrolment={enrolment} onDone={finished} onCancel={() => setEnrolment(null)} />
      ) : enrolment.method === 'passkey' ? (
        <PasskeyEnrolment enrolment={enrolment} onDone={finished} onCancel={() => setEnrolment(null)} />
      ) : (
        <AuthenticatorEnrolment enrolment={enrolment} onDone={finished} onCancel={() => setEnrolment(null)} />
      )}
    </section>
  );
}

interface StepProps {
  enrolment: Enrolment;
  onDone: (factor: Factor) => void;
  onCancel: () => void;
}

const complete = (id: string, body: Record<string, unknown>) =>
  api<Factor>('POST', `/me/factor-enrolments/${encodeURIComponent(id)}/complete`, { body });

/** An enrolment that ended (expired, used, too many wrong codes): only Start again makes sense. */
const ended = (error: unknown) => error instanceof ApiError && error.code === 'user.enrolment_not_found';

function Cancel({ onCancel, label = 'Cancel' }: { onCancel: () => void; label?: string }) {
  return (
    <Button variant="link" onClick={onCancel}>
      {label}
    </Button>
  );
}

function TotpEnrolment({ enrolment, onDone, onCancel }: StepProps) {
  const [code, setCode] = useState('');
  const [label, setLabel] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    complete(enrolment.id, { code, ...(label.trim() ? { label: label.trim() } : {}) })
      .then(({ body }) => onDone(body))
      .catch(setError)
      .finally(() => setBusy(false));
  };
  const codeError = fieldError(error, 'code');
  return (
    <div data-testid="enrol-totp">
      <ol>
        <li>
          Scan this QR code with your authenticator app.
          <div
            className="tp-qr my-2"
            role="img"
            aria-label="QR code for your authenticator app"
            dangerouslySetInnerHTML={{ __html: enrolment.totp!.qrSvg }}
          />
          <p>
            Or type this key:{' '}
            <span className="tp-code fw-semibold" data-testid="own-totp-secret">
              {enrolment.totp!.secret}
            </span>{' '}
            <CopyButton value={enrolment.totp!.secret} label="the key" />
          </p>
        </li>
        <li>Enter the 6-digit code the app shows.</li>
      </ol>
      {ended(error) ? <Problem error={error} /> : null}
      <Form onSubmit={submit} noValidate>
        <Form.Group className="mb-3" controlId="tp-own-totp-code">
          <Form.Label>Code from the app</Form.Label>
          <Form.Control
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={8}
            value={code}
            onChange={(e) => setCode(e.target.value)}
            isInvalid={!!codeError}
            className="tp-code-input"
          />
          {codeError && <Form.Control.Feedback type="invalid">{codeError}</Form.Control.Feedback>}
        </Form.Group>
        <Form.Group className="mb-3" controlId="tp-own-totp-label">
          <Form.Label>Name (optional)</Form.Label>
          <Form.Control maxLength={60} value={label} placeholder="Authenticator app" onChange={(e) => setLabel(e.target.value)} />
        </Form.Group>
        <div className="d-flex gap-2">
          <Button type="submit" variant="primary" disabled={busy || ended(error)}>
            Add authenticator app
          </Button>
          <Cancel onCancel={onCancel} label={ended(error) ? 'Start again' : 'Cancel'} />
        </div>
      </Form>
    </div>
  );
}

function PasskeyEnrolment({ enrolment, onDone, onCancel }: StepProps) {
  const [label, setLabel] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const create = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    startRegistration({ optionsJSON: enrolment.passkey!.options })
      .then((response) => complete(enrolment.id, { response, ...(label.trim() ? { label: label.trim() } : {}) }))
      .then(({ body }) => onDone(body))
      .catch((e: unknown) => {
        const name = e instanceof Error ? e.name : '';
        setError(
          name === 'NotAllowedError'
            ? new Error('The passkey request was cancelled or timed out. Try again.')
            : name === 'InvalidStateError'
              ? new Error('This passkey is already registered to your account. Use another one.')
              : e,
        );
      })
      .finally(() => setBusy(false));
  };
  return (
    <Form onSubmit={create} noValidate data-testid="enrol-passkey">
      <p>Your browser asks where to keep the passkey: this device, a phone, or a security key.</p>
      {error ? <Problem error={error} /> : null}
      <Form.Group className="mb-3" controlId="tp-own-passkey-label">
        <Form.Label>Name (optional)</Form.Label>
        <Form.Control maxLength={60} value={label} placeholder="Passkey" onChange={(e) => setLabel(e.target.value)} />
      </Form.Group>
      <div className="d-flex gap-2">
        <Button type="submit" variant="primary" disabled={busy || ended(error)}>
          Create passkey
        </Button>
        <Cancel onCancel={onCancel} label={ended(error) ? 'Start again' : 'Cancel'} />
      </div>
    </Form>
  );
}

/** Waits (every 2 s) until the phone has used the link, then adds it. */
function AuthenticatorEnrolment({ enrolment, onDone, onCancel }: StepProps) {
  const [error, setError] = useState<unknown>(null);
  const stopped = useRef(false);
  useEffect(() => {
    stopped.current = false;
    const timer = window.setInterval(() => {
      if (stopped.current) return;
      get<{ ready: boolean }>(`/me/factor-enrolments/${encodeURIComponent(enrolment.id)}`)
        .then(({ body }) => {
          if (!body.ready || stopped.current) return;
          stopped.current = true;
          return complete(enrolment.id, {}).then(({ body: factor }) => onDone(factor));
        })
        .catch((e: unknown) => {
          stopped.current = true;
          setError(e);
        });
    }, 2000);
    return () => {
      stopped.current = true;
      window.clearInterval(timer);
    };
  }, [enrolment.id, onDone]);
  return (
    <div data-testid="enrol-authenticator">
      <ol>
        <li>Open the TechPass Authenticator on your phone and scan this QR code (or open the link on the phone).</li>
        <li>This page goes on by itself once the phone has added your account.</li>
      </ol>
      <div
        className="tp-qr my-2"
        role="img"
        aria-label="QR code that opens the TechPass Authenticator"
        dangerouslySetInnerHTML={{ __html: enrolment.authenticator!.qrSvg }}
      />
      <p className="small">
        Link for the phone: <span className="tp-code">{enrolment.authenticator!.link}</span>{' '}
        <CopyButton value={enrolment.authenticator!.link} label="the link" />
      </p>
      {error ? <Problem error={error} /> : <Notice variant="info">Waiting for your phone…</Notice>}
      <Cancel onCancel={onCancel} label={error ? 'Start again' : 'Cancel'} />
    </div>
  );
}
