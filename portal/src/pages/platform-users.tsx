/**
 * The platform admin's users: search every account (e-mail, name, username, mobile or
 * user ID), page by page; the search is in the address so Back comes back to it.
 */
import { Button, Form, Table } from '@govtechsg/sgds-react';
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { get } from '../api.js';
import { fieldError, Loading, Problem } from '../parts.js';

export type UserStatus = 'pending' | 'active' | 'disabled' | 'terminated' | 'under_investigation' | 'high_risk';
export type UserType = 'officer' | 'vendor' | 'temp' | 'product' | 'other';

export interface UserSummary {
  id: string;
  email: string;
  givenName: string;
  familyName: string;
  status: UserStatus;
  type?: UserType;
  techpassId?: string;
  agency?: string | null;
}

export const STATUS_NAMES: Record<UserStatus, string> = {
  pending: 'Pending activation',
  active: 'Active',
  disabled: 'Disabled',
  terminated: 'Terminated',
  under_investigation: 'Under investigation',
  high_risk: 'High risk',
};
export const STATUS_BADGES: Record<UserStatus, string> = {
  pending: 'bg-secondary',
  active: 'bg-success',
  disabled: 'bg-warning text-dark',
  terminated: 'bg-dark',
  under_investigation: 'bg-warning text-dark',
  high_risk: 'bg-danger',
};
export const TYPE_NAMES: Record<UserType, string> = {
  officer: 'Public officer',
  vendor: 'Vendor',
  temp: 'Temporary',
  product: 'Product',
  other: 'Other',
};

export function StatusBadge({ status }: { status: UserStatus }) {
  return <span className={`badge ${STATUS_BADGES[status]}`}>{STATUS_NAMES[status]}</span>;
}

export function UsersPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const status = (params.get('status') ?? '') as UserStatus | '';
  const [text, setText] = useState(q);
  const [wanted, setWanted] = useState<UserStatus | ''>(status);
  const [items, setItems] = useState<UserSummary[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [more, setMore] = useState(false);

  const fetchPage = (cursor: string | null) => {
    const query = new URLSearchParams({ limit: '25' });
    if (q) query.set('q', q);
    if (status) query.set('status', status);
    if (cursor) query.set('cursor', cursor);
    return get<{ items: UserSummary[]; nextCursor: string | null }>(`/users?${query}`);
  };

  useEffect(() => {
    setItems(null);
    setError(null);
    setText(q);
    setWanted(status);
    fetchPage(null)
      .then(({ body }) => {
        setItems(body.items);
        setNext(body.nextCursor);
      })
      .catch(setError);
  }, [q, status]);

  const search = (event: FormEvent) => {
    event.preventDefault();
    const next = new URLSearchParams();
    if (text.trim()) next.set('q', text.trim());
    if (wanted) next.set('status', wanted);
    setParams(next);
  };

  const loadMore = () => {
    setMore(true);
    fetchPage(next)
      .then(({ body }) => {
        setItems((now) => [...(now ?? []), ...body.items]);
        setNext(body.nextCursor);
      })
      .catch(setError)
      .finally(() => setMore(false));
  };

  const qError = fieldError(error, 'q', 'Search');
  return (
    <>
      <h1>Users</h1>
      <Form onSubmit={search} noValidate className="row g-2 align-items-end mb-3" role="search" aria-label="Users">
        <Form.Group className="col-md-6" controlId="tp-user-q">
          <Form.Label>E-mail, name, username, mobile or user ID</Form.Label>
          <Form.Control type="search" value={text} maxLength={200} onChange={(e) => setText(e.target.value)} isInvalid={!!qError} />
          {qError && <Form.Control.Feedback type="invalid">{qError}</Form.Control.Feedback>}
        </Form.Group>
        <Form.Group className="col-md-3" controlId="tp-user-status">
          <Form.Label>Status</Form.Label>
          <Form.Select value={wanted} onChange={(e) => setWanted(e.target.value as UserStatus | '')}>
            <option value="">Any status</option>
            {(Object.keys(STATUS_NAMES) as UserStatus[]).map((s) => (
              <option key={s} value={s}>
                {STATUS_NAMES[s]}
              </option>
            ))}
          </Form.Select>
        </Form.Group>
        <div className="col-md-3">
          <Button variant="primary" type="submit">
            Search
          </Button>
        </div>
      </Form>
      {error && !qError ? (
        <Problem error={error} />
      ) : !items ? (
        error ? null : (
          <Loading what="users" />
        )
      ) : items.length === 0 ? (
        <p role="status">No account matches{q ? ` “${q}”` : ''}.</p>
      ) : (
        <>
          <div className="tp-table-wrap">
            <Table responsive>
              <caption className="visually-hidden">Users found</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">E-mail</th>
                  <th scope="col">Type</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {items.map((u) => (
                  <tr key={u.id}>
                    <td>
                      <Link to={`/users/${u.id}`}>
                        {u.givenName} {u.familyName}
                      </Link>
                    </td>
                    <td className="tp-code">{u.email}</td>
                    <td>{u.type ? TYPE_NAMES[u.type] : '—'}</td>
                    <td>
                      <StatusBadge status={u.status} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </Table>
          </div>
          {next && (
            <Button variant="outline-primary" onClick={loadMore} disabled={more}>
              {more ? 'Loading…' : 'More'}
            </Button>
          )}
        </>
      )}
    </>
  );
}
