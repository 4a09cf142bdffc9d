/** My Account › Invite a user: a public officer invites a colleague by e-mail (`POST /invitations`). */
import { Button, Form } from '@govtechsg/sgds-react';
import { useState, type FormEvent } from 'react';
import { api } from '../api.js';
import { fieldError, Notice, Problem, when } from '../parts.js';

interface InvitationSent {
  status: 'pending' | 'active';
  expiresAt: number;
}

export function AccountInvitePage() {
  const [email, setEmail] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [sent, setSent] = useState<{ email: string; answer: InvitationSent } | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setSent(null);
    setBusy(true);
    const to = email.trim();
    api<InvitationSent>('POST', '/invitations', { body: { email: to } })
      .then(({ body }) => {
        setSent({ email: to, answer: body });
        setEmail('');
      })
      .catch(setError)
      .finally(() => setBusy(false));
  };
  const emailError = fieldError(error, 'email', 'E-mail address');
  return (
    <section aria-labelledby="tp-invite">
      <h2 id="tp-invite">Invite a user</h2>
      <p>
        Invite a colleague to TechPass. They get an e-mail with a link to set up their account; an address of an agency with its own sign-in gets
        an account at once, to finish with that sign-in.
      </p>
      <Form onSubmit={submit} noValidate className="row g-2 align-items-start">
        <Form.Group className="col-sm-8" controlId="tp-invite-email">
          <Form.Label>E-mail address</Form.Label>
          <Form.Control
            type="email"
            autoComplete="off"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            isInvalid={!!emailError}
            placeholder="name@agency.gov.sg"
            maxLength={254}
          />
          {emailError && <Form.Control.Feedback type="invalid">{emailError}</Form.Control.Feedback>}
        </Form.Group>
        <div className="col-sm-4 tp-invite-send">
          <Button variant="primary" type="submit" disabled={busy || !email.trim()}>
            Send invitation
          </Button>
        </div>
      </Form>
      {error && !emailError ? <Problem error={error} /> : null}
      {sent && (
        <Notice variant="success">
          {sent.answer.status === 'active' ? (
            <>
              Invitation sent to {sent.email}. Their account is already active, so they can sign in at once; the e-mailed link works until{' '}
              {when(sent.answer.expiresAt)}.
            </>
          ) : (
            <>
              Invitation sent to {sent.email}. It is pending: they have until {when(sent.answer.expiresAt)} to follow the e-mailed link and set up
              their account.
            </>
          )}
        </Notice>
      )}
    </section>
  );
}
