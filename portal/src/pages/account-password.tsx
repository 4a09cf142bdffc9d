/**
 * My Account › Security › Change password (`POST /me/password`): the current password,
 * the new one twice (checked here too). The API's field errors are shown at their
 * inputs. A change signs the person out everywhere, this browser too: they are told, and
 * sent to sign in again with the new password.
 */
import { Button, Form } from '@govtechsg/sgds-react';
import { useState, type FormEvent } from 'react';
import { ApiError, api, signIn } from '../api.js';
import { fieldError, Notice, Problem } from '../parts.js';

const LABELS = { current: 'Current password', password: 'New password', confirm: 'Confirm new password' } as const;
type Field = keyof typeof LABELS;

export function PasswordSection() {
  const [draft, setDraft] = useState<Record<Field, string>>({ current: '', password: '', confirm: '' });
  const [error, setError] = useState<unknown>(null);
  const [mismatch, setMismatch] = useState(false);
  const [busy, setBusy] = useState(false);
  const [changed, setChanged] = useState(false);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (draft.password !== draft.confirm) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    setBusy(true);
    api('POST', '/me/password', { body: { current: draft.current, password: draft.password } })
      .then(() => setChanged(true))
      .catch(setError)
      .finally(() => setBusy(false));
  };

  if (changed) {
    return (
      <section aria-labelledby="tp-password" className="mt-5">
        <h2 id="tp-password">Change password</h2>
        <Notice variant="success">
          <p data-testid="password-changed">Your password is changed. You were signed out everywhere, this browser too.</p>
          <Button variant="primary" onClick={() => signIn()}>
            Sign in with your new password
          </Button>
        </Notice>
      </section>
    );
  }

  const errors: Record<Field, string | undefined> = {
    current: fieldError(error, 'current'),
    password: fieldError(error, 'password'),
    confirm: mismatch ? 'The two new passwords are not the same.' : fieldError(error, 'confirm'),
  };
  const managedElsewhere = error instanceof ApiError && error.code === 'password.managed_elsewhere';
  const otherError = Boolean(error) && !Object.values(errors).some(Boolean);

  const input = (field: Field, autoComplete: string, hint?: string) => (
    <Form.Group className="mb-3" controlId={`tp-password-${field}`}>
      <Form.Label>{LABELS[field]}</Form.Label>
      <Form.Control
        type="password"
        required
        value={draft[field]}
        autoComplete={autoComplete}
        maxLength={1000}
        isInvalid={!!errors[field]}
        onChange={(e: { target: { value: string } }) => {
          setDraft({ ...draft, [field]: e.target.value });
          if (field !== 'current') setMismatch(false);
        }}
        aria-describedby={
          [hint ? `tp-password-${field}-hint` : '', errors[field] ? `tp-password-${field}-error` : ''].filter(Boolean).join(' ') || undefined
        }
      />
      {hint && (
        <Form.Text id={`tp-password-${field}-hint`} className="text-muted">
          {hint}
        </Form.Text>
      )}
      {errors[field] && (
        <Form.Control.Feedback type="invalid" id={`tp-password-${field}-error`}>
          {errors[field]}
        </Form.Control.Feedback>
      )}
    </Form.Group>
  );

  return (
    <section aria-labelledby="tp-password" className="mt-5">
      <h2 id="tp-password">Change password</h2>
      <p>After the change you are signed out everywhere, this browser too, and sign in again with the new password.</p>
      {managedElsewhere ? (
        <Notice variant="info">{(error as ApiError).message.charAt(0).toUpperCase() + (error as ApiError).message.slice(1)}.</Notice>
      ) : (
        otherError && <Problem error={error} />
      )}
      <Form onSubmit={submit} noValidate className="tp-password-form">
        {input('current', 'current-password')}
        {input('password', 'new-password', 'At least 12 characters, not a common password, and not containing your e-mail address.')}
        {input('confirm', 'new-password')}
        <Button type="submit" variant="primary" disabled={busy}>
          {busy ? 'Changing…' : 'Change password'}
        </Button>
      </Form>
    </section>
  );
}
