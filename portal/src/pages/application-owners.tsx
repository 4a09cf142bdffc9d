/**
 * An application's owners on its page (the people responsible for it): listed by
 * e-mail, added by a TechPass ID, removed after a confirmation. The API replaces the
 * list as a whole (PATCH `{ owners: [e-mail…] }` under If-Match), so each change sends
 * the list as this page last read it; an unknown e-mail is refused at the input, and a
 * list changed meanwhile (412) asks for a reload.
 */
import { Button, Form } from '@govtechsg/sgds-react';
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api.js';
import { ConfirmButton, fieldError } from '../parts.js';
import { UserSearchInput } from '../user-search.js';
import type { Application } from './namespace.js';
import { SaveProblem } from './tenant-application.js';

export function ApplicationOwners({
  app,
  etag,
  onSaved,
}: {
  app: Application;
  etag: string | null;
  onSaved: (app: Application, etag: string | null) => void;
}) {
  const [email, setEmail] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState('');
  const [busy, setBusy] = useState(false);
  const base = `/namespaces/${encodeURIComponent(app.namespace)}/applications/${encodeURIComponent(app.clientId)}`;
  const save = async (owners: string[]) => {
    const { body, etag: next } = await api<Application>('PATCH', base, { body: { owners }, ifMatch: etag });
    onSaved(body, next);
  };
  const emails = app.owners.map((o) => o.email);

  const add = (event: FormEvent) => {
    event.preventDefault();
    const wanted = email.trim();
    setError(null);
    setDone('');
    if (!wanted) {
      setError(new ApiError(400, 'input.invalid', "owners: give the new owner's e-mail (their TechPass ID)", ['owners']));
      return;
    }
    setBusy(true);
    save([...emails, wanted])
      .then(() => {
        setEmail('');
        setDone(`${wanted.toLowerCase()} is now an owner.`);
      })
      .catch(setError)
      .finally(() => setBusy(false));
  };
  const inputError = fieldError(error, 'owners', 'Owners');

  return (
    <section aria-labelledby="tp-app-owners">
      <h2 id="tp-app-owners">Owners</h2>
      <p className="text-muted">The people responsible for this application: whom to ask about it.</p>
      {app.owners.length === 0 ? (
        <p data-testid="owners-empty">No owner yet.</p>
      ) : (
        <ul className="list-unstyled" data-testid="owners">
          {app.owners.map((o) => (
            <li key={o.userId} className="d-flex flex-wrap align-items-center gap-2 mb-2">
              <span>{o.email}</span>
              <ConfirmButton
                label="Remove"
                ariaLabel={`Remove ${o.email}`}
                title={`Remove ${o.email} as an owner?`}
                confirm="Remove owner"
                onConfirm={async () => {
                  setError(null);
                  setDone('');
                  await save(emails.filter((e) => e !== o.email));
                  setDone(`${o.email} is no longer an owner.`);
                }}
              >
                <p>
                  {o.email} is no longer named as responsible for {app.name}. Their access to it does not change.
                </p>
              </ConfirmButton>
            </li>
          ))}
        </ul>
      )}
      <Form onSubmit={add} noValidate className="row g-2 align-items-end">
        <Form.Group className="col-sm-8" controlId="tp-app-owner-email">
          <Form.Label>New owner (search by name or TechPass ID)</Form.Label>
          <UserSearchInput id="tp-app-owner-email" value={email} onChange={setEmail} isInvalid={!!inputError} />
          <Form.Control.Feedback type="invalid">{inputError}</Form.Control.Feedback>
        </Form.Group>
        <div className="col-sm-4">
          <Button variant="primary" type="submit" disabled={busy}>
            Add owner
          </Button>
        </div>
      </Form>
      {error && !inputError ? <SaveProblem error={error} /> : null}
      {done && (
        <p role="status" className="text-success mt-2">
          {done}
        </p>
      )}
    </section>
  );
}
