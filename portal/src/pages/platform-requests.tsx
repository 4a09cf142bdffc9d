/**
 * The platform admin's tenant requests: every request (pending first, or one status),
 * each with who asked, for what and why; approve (creates the namespace and makes the
 * requester its admin) or reject with a reason (mailed to the requester).
 */
import { Form } from '@govtechsg/sgds-react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { api, ApiError, get } from '../api.js';
import { ConfirmButton, fieldError, Loading, Notice, Problem, when } from '../parts.js';

type Status = 'pending' | 'approved' | 'rejected' | 'withdrawn';

export interface TenantRequest {
  id: string;
  name: string;
  displayName: string;
  description: string;
  justification: string;
  status: Status;
  requester: { userId: string; email: string };
  requestedAt: number;
  decidedBy: string | null;
  decidedAt: number | null;
  reason: string | null;
  namespace: string | null;
}

const STATUS_NAMES: Record<Status, string> = { pending: 'Pending', approved: 'Approved', rejected: 'Rejected', withdrawn: 'Withdrawn' };
const STATUS_BADGES: Record<Status, string> = {
  pending: 'bg-warning text-dark',
  approved: 'bg-success',
  rejected: 'bg-danger',
  withdrawn: 'bg-secondary',
};

/** Pending first (oldest first: they have waited longest), then the decided ones, newest first. */
function pendingFirst(a: TenantRequest, b: TenantRequest): number {
  if ((a.status === 'pending') !== (b.status === 'pending')) return a.status === 'pending' ? -1 : 1;
  return a.status === 'pending' ? a.requestedAt - b.requestedAt : b.requestedAt - a.requestedAt;
}

export function TenantRequestsPage() {
  const [status, setStatus] = useState<Status | 'all'>('all');
  const [items, setItems] = useState<TenantRequest[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<TenantRequest | null>(null);
  const outcome = useRef<HTMLDivElement>(null);
  // The decided request's buttons are gone with its dialog: focus moves to what happened (and the link it gives).
  useEffect(() => {
    if (done) outcome.current?.focus();
  }, [done]);

  const load = useCallback(() => {
    setError(null);
    (async () => {
      const all: TenantRequest[] = [];
      let cursor: string | null = null;
      do {
        const query = new URLSearchParams({ limit: '200' });
        if (status !== 'all') query.set('status', status);
        if (cursor) query.set('cursor', cursor);
        const page: { body: { items: TenantRequest[]; nextCursor: string | null } } = await get(`/tenant-requests?${query}`);
        all.push(...page.body.items);
        cursor = page.body.nextCursor;
      } while (cursor);
      setItems(all.sort(pendingFirst));
    })().catch(setError);
  }, [status]);
  useEffect(load, [load]);

  const decided = (request: TenantRequest) => {
    setDone(request);
    setItems((now) => (now ? now.map((r) => (r.id === request.id ? request : r)).sort(pendingFirst) : now));
  };

  return (
    <>
      <h1>Tenant requests</h1>
      <Form.Group className="mb-3 tp-filter" controlId="tp-request-status">
        <Form.Label>Show</Form.Label>
        <Form.Select
          value={status}
          onChange={(e) => {
            setDone(null);
            setItems(null);
            setStatus(e.target.value as Status | 'all');
          }}
        >
          <option value="all">All requests (pending first)</option>
          <option value="pending">Pending</option>
          <option value="approved">Approved</option>
          <option value="rejected">Rejected</option>
          <option value="withdrawn">Withdrawn</option>
        </Form.Select>
      </Form.Group>
      <div ref={outcome} tabIndex={-1} className="tp-outcome">
        {done?.status === 'approved' && done.namespace ? (
          <Notice variant="success">
            Approved. Namespace <Link to={`/namespaces/${done.namespace}`}>{done.namespace}</Link> exists now and {done.requester.email} is its admin.
          </Notice>
        ) : done?.status === 'rejected' ? (
          <Notice variant="success">
            Rejected {done.name}. {done.requester.email} has been told why by e-mail.
          </Notice>
        ) : null}
      </div>
      {error ? (
        <Problem error={error} />
      ) : !items ? (
        <Loading what="tenant requests" />
      ) : items.length === 0 ? (
        <p>{status === 'all' ? 'Nobody has asked for a tenant yet.' : `There are no ${STATUS_NAMES[status].toLowerCase()} requests.`}</p>
      ) : (
        <ul className="list-unstyled">
          {items.map((r) => (
            <li key={r.id}>
              <RequestCard request={r} onDecided={decided} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function RequestCard({ request: r, onDecided }: { request: TenantRequest; onDecided: (r: TenantRequest) => void }) {
  const [reason, setReason] = useState('');
  const headingId = `tp-request-${r.id}`;
  return (
    <article className="card mb-3" aria-labelledby={headingId} data-testid="tenant-request">
      <div className="card-body">
        <div className="d-flex flex-wrap justify-content-between align-items-start gap-2">
          <h2 id={headingId} className="h5 mt-0 mb-1">
            {r.displayName} <span className="tp-code text-muted">({r.name})</span>
          </h2>
          <span className={`badge ${STATUS_BADGES[r.status]}`}>{STATUS_NAMES[r.status]}</span>
        </div>
        <dl className="tp-dl tp-dl-grid mt-2">
          <dt>Requested by</dt>
          <dd>{r.requester.email}</dd>
          <dt>Requested</dt>
          <dd>{when(r.requestedAt)}</dd>
          <dt>Description</dt>
          <dd className="tp-prose">{r.description || '—'}</dd>
          <dt>Justification</dt>
          <dd className="tp-prose">{r.justification}</dd>
          {r.status !== 'pending' && (
            <>
              <dt>{STATUS_NAMES[r.status]}</dt>
              <dd>
                {when(r.decidedAt)}
                {r.decidedBy ? (
                  <>
                    {' by '}
                    <DecidedBy actor={r.decidedBy} />
                  </>
                ) : null}
              </dd>
            </>
          )}
          {r.reason && (
            <>
              <dt>Reason</dt>
              <dd className="tp-prose">{r.reason}</dd>
            </>
          )}
          {r.namespace && (
            <>
              <dt>Namespace</dt>
              <dd>
                <Link to={`/namespaces/${r.namespace}`}>{r.namespace}</Link>
              </dd>
            </>
          )}
        </dl>
        {r.status === 'pending' && (
          <div className="d-flex flex-wrap gap-2">
            <ConfirmButton
              label={`Approve ${r.name}`}
              title="Approve this request?"
              confirm="Approve and create namespace"
              variant="outline-primary"
              onConfirm={async () => onDecided((await api<TenantRequest>('POST', `/tenant-requests/${r.id}/approve`)).body)}
            >
              <p>
                This creates namespace <strong className="tp-code">{r.name}</strong> ({r.displayName}) and makes {r.requester.email} its admin. They
                are told by e-mail.
              </p>
            </ConfirmButton>
            <ConfirmButton
              label={`Reject ${r.name}`}
              title="Reject this request?"
              confirm="Reject request"
              onConfirm={async () => {
                if (!reason.trim()) throw new ApiError(400, 'input.invalid', 'Give a reason: it is sent to the requester.', ['reason']);
                try {
                  onDecided((await api<TenantRequest>('POST', `/tenant-requests/${r.id}/reject`, { body: { reason: reason.trim() } })).body);
                } catch (error) {
                  throw new Error(fieldError(error, 'reason', 'Reason') ?? (error as Error).message);
                }
              }}
            >
              <p>No namespace is created. {r.requester.email} is e-mailed the reason you give here.</p>
              <Form.Group controlId={`tp-reject-${r.id}`}>
                <Form.Label>Reason (sent to the requester)</Form.Label>
                <Form.Control as="textarea" rows={3} value={reason} maxLength={2000} required onChange={(e) => setReason(e.target.value)} />
              </Form.Group>
            </ConfirmButton>
          </div>
        )}
      </div>
    </article>
  );
}

/** Who decided: a person by their TechPass ID (linked to their user page), the operator's CLI as itself. */
function DecidedBy({ actor }: { actor: string }) {
  const [email, setEmail] = useState<string | null>(null);
  const person = actor.startsWith('usr_');
  useEffect(() => {
    if (!person) return;
    get<{ email: string }>(`/users/${encodeURIComponent(actor)}`)
      .then(({ body }) => setEmail(body.email))
      .catch(() => setEmail(null));
  }, [actor, person]);
  if (!person) return <span className="tp-code">{actor.startsWith('cli:') ? `the operator (${actor})` : actor}</span>;
  return <Link to={`/users/${encodeURIComponent(actor)}`}>{email ?? actor}</Link>;
}
