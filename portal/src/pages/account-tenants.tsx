/**
 * My Account › Tenant requests: ask for a new namespace (`POST /tenant-requests`), see
 * one's own requests and where they stand, withdraw a pending one (confirmed).
 */
import { Badge, Button, Form } from '@govtechsg/sgds-react';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, get, type Me } from '../api.js';
import { ConfirmButton, fieldError, Loading, Notice, Problem, when } from '../parts.js';

interface TenantRequest {
  id: string;
  name: string;
  displayName: string;
  description: string;
  justification: string;
  status: 'pending' | 'approved' | 'rejected' | 'withdrawn';
  requester: { userId: string; email: string };
  requestedAt: number;
  decidedAt: number | null;
  reason: string | null;
  namespace: string | null;
}

const STATUS: Record<TenantRequest['status'], { text: string; bg: string }> = {
  pending: { text: 'Pending', bg: 'warning' },
  approved: { text: 'Approved', bg: 'success' },
  rejected: { text: 'Rejected', bg: 'danger' },
  withdrawn: { text: 'Withdrawn', bg: 'secondary' },
};

const LABELS = {
  name: 'Namespace name',
  displayName: 'Display name',
  description: 'Description',
  justification: 'Justification',
} as const;
type Field = keyof typeof LABELS;
const EMPTY: Record<Field, string> = { name: '', displayName: '', description: '', justification: '' };

export function AccountTenantRequestsPage({ me }: { me: Me }) {
  const [requests, setRequests] = useState<TenantRequest[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    get<{ items: TenantRequest[] }>('/tenant-requests?limit=100')
      // A platform admin is answered everyone's: My Account shows the person's own.
      .then(({ body }) => setRequests(body.items.filter((r) => r.requester.userId === me.userId)))
      .catch(setError);
  }, [me.userId]);
  useEffect(load, [load]);

  return (
    <>
      <RequestForm onSent={load} />
      <section aria-labelledby="tp-my-requests">
        <h2 id="tp-my-requests">Your requests</h2>
        {error ? (
          <Problem error={error} />
        ) : !requests ? (
          <Loading what="your tenant requests" />
        ) : requests.length === 0 ? (
          <p>You have not requested a tenant yet.</p>
        ) : (
          <ul className="list-unstyled tp-requests">
            {requests.map((r) => (
              <li key={r.id} className="tp-request" data-testid={`tenant-request-${r.name}`}>
                <div className="tp-request-what">
                  <span className="fw-semibold">{r.displayName}</span> <span className="tp-code">({r.name})</span>
                  <div className="small text-muted">Requested {when(r.requestedAt)}</div>
                  {r.status === 'approved' && r.namespace && (
                    <div className="small mt-1">
                      <Link to={`/namespaces/${r.namespace}`}>Open {r.namespace}</Link>
                    </div>
                  )}
                  {r.status === 'rejected' && r.reason && <div className="small mt-1">Reason: {r.reason}</div>}
                </div>
                <div className="tp-request-status">
                  <Badge bg={STATUS[r.status].bg} text={r.status === 'pending' ? 'dark' : undefined}>
                    {STATUS[r.status].text}
                  </Badge>
                  {r.status === 'pending' && (
                    <ConfirmButton
                      label="Withdraw"
                      title="Withdraw this request?"
                      confirm="Withdraw request"
                      onConfirm={async () => {
                        const { body } = await api<TenantRequest>('POST', `/tenant-requests/${encodeURIComponent(r.id)}/withdraw`);
                        setRequests((now) => (now ?? []).map((x) => (x.id === body.id ? body : x)));
                      }}
                    >
                      <p>
                        Your request for the namespace <span className="tp-code">{r.name}</span> will no longer be considered. You can request it
                        again later.
                      </p>
                    </ConfirmButton>
                  )}
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

function RequestForm({ onSent }: { onSent: () => void }) {
  const [draft, setDraft] = useState(EMPTY);
  const [error, setError] = useState<unknown>(null);
  const [sent, setSent] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (field: Field) => (event: { target: { value: string } }) => setDraft({ ...draft, [field]: event.target.value });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setSent(null);
    setBusy(true);
    const description = draft.description.trim();
    api<TenantRequest>('POST', '/tenant-requests', {
      body: { name: draft.name.trim(), displayName: draft.displayName.trim(), justification: draft.justification.trim(), ...(description ? { description } : {}) },
    })
      .then(({ body }) => {
        setSent(body.name);
        setDraft(EMPTY);
        onSent();
      })
      .catch(setError)
      .finally(() => setBusy(false));
  };
  const errors = Object.fromEntries((Object.keys(LABELS) as Field[]).map((f) => [f, fieldError(error, f, LABELS[f])])) as Record<Field, string | undefined>;
  const otherError = error && !Object.values(errors).some(Boolean);
  const input = (field: Field, hint: string, props: { textarea?: boolean; maxLength: number; optional?: boolean }) => (
    <Form.Group className="mb-3" controlId={`tp-request-${field}`}>
      <Form.Label>
        {LABELS[field]}
        {props.optional ? <span className="text-muted"> (optional)</span> : null}
      </Form.Label>
      <Form.Control
        {...(props.textarea ? { as: 'textarea' as const, rows: 3 } : {})}
        value={draft[field]}
        onChange={set(field)}
        isInvalid={!!errors[field]}
        maxLength={props.maxLength}
        required={!props.optional}
        aria-describedby={`tp-request-${field}-hint${errors[field] ? ` tp-request-${field}-error` : ''}`}
      />
      <Form.Text id={`tp-request-${field}-hint`} className="text-muted">
        {hint}
      </Form.Text>
      {errors[field] && (
        <Form.Control.Feedback type="invalid" id={`tp-request-${field}-error`}>
          {errors[field]}
        </Form.Control.Feedback>
      )}
    </Form.Group>
  );
  return (
    <section aria-labelledby="tp-request-tenant">
      <h2 id="tp-request-tenant">Request a new tenant</h2>
      <p>A tenant is a namespace for your service’s applications and groups. A platform admin reviews your request; once approved, you are its first admin.</p>
      <Form onSubmit={submit} noValidate>
        {input('name', '3–40 lower-case letters, digits or dashes, starting with a letter. It cannot be changed later.', { maxLength: 40 })}
        {input('displayName', 'The name people see, such as “Parking Services”.', { maxLength: 200 })}
        {input('description', 'What the namespace holds.', { textarea: true, maxLength: 2000, optional: true })}
        {input('justification', 'What the service is, who uses it, and why it needs TechPass.', { textarea: true, maxLength: 4000 })}
        {otherError ? <Problem error={error} /> : null}
        {sent && (
          <Notice variant="success">
            Your request for <span className="tp-code">{sent}</span> was sent. A platform admin will review it; you will hear by e-mail.
          </Notice>
        )}
        <Button variant="primary" type="submit" disabled={busy}>
          Send request
        </Button>
      </Form>
    </section>
  );
}
