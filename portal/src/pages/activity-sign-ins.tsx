/**
 * Sign-in lines as the portal shows them (issue 19's sign-in log): a table, newest
 * first, and the paging behind "More" (the API's next cursor). My Account › Sign-in
 * activity and a namespace's sign-in log both use it.
 */
import { Badge, Button, Table } from '@govtechsg/sgds-react';
import { useCallback, useEffect, useState } from 'react';
import { get } from '../api.js';
import { Loading, Problem, when } from '../parts.js';

export interface SignIn {
  id: string;
  occurredAt: number;
  userId: string | null;
  login: string | null;
  clientId: string | null;
  /** The application's name (the server resolves it); null when it was deleted. */
  application: string | null;
  namespace: string | null;
  ip: string | null;
  userAgent: string | null;
  factors: string[];
  result: 'succeeded' | 'failed';
  reason: string | null;
  correlationId: string | null;
  flowId: string | null;
}

const FACTOR: Record<string, string> = {
  pwd: 'Password',
  otp: 'One-time code',
  swk: 'Passkey',
  hwk: 'Security key',
  fed: 'Agency sign-in',
  mca: 'TechPass authenticator',
};

const REASON: Record<string, string> = {
  wrong_password: 'Wrong password',
  wrong_code: 'Wrong code',
  locked: 'Account locked',
  not_assigned: 'Not given access to the application',
  push_denied: 'Denied on the phone',
  push_wrong_number: 'Wrong number chosen on the phone',
};

export const factorName = (f: string) => FACTOR[f] ?? f;
/** A reason code as words: the known ones named, the others with their underscores as spaces. */
export const reasonText = (r: string | null) => (r === null ? '—' : (REASON[r] ?? (r.charAt(0).toUpperCase() + r.slice(1)).replace(/_/g, ' ')));

/** Pages of sign-in lines from `path` (a query string of filters included); `more` loads the next page. */
export function useSignIns(path: string) {
  const [items, setItems] = useState<SignIn[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const load = useCallback(
    (cursor: string | null) => {
      setBusy(true);
      const sep = path.includes('?') ? '&' : '?';
      get<{ items: SignIn[]; nextCursor: string | null }>(`${path}${sep}limit=25${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
        .then(({ body }) => {
          setItems((old) => (cursor && old ? [...old, ...body.items] : body.items));
          setNext(body.nextCursor);
        })
        .catch(setError)
        .finally(() => setBusy(false));
    },
    [path],
  );
  useEffect(() => {
    setItems(null);
    setError(null);
    load(null);
  }, [load]);
  return { items, error, busy, more: next ? () => load(next) : null };
}

/**
 * The lines as a table; `person` adds the TechPass ID typed (an admin's log). The application is named by
 * `appName`, else by the line's own name; a deleted one shows its client id.
 */
export function SignInTable({
  state,
  what,
  person = false,
  appName = () => undefined,
  empty,
}: {
  state: ReturnType<typeof useSignIns>;
  what: string;
  person?: boolean;
  appName?: (clientId: string) => string | undefined;
  empty: string;
}) {
  const { items, error, busy, more } = state;
  if (error) return <Problem error={error} />;
  if (!items) return <Loading what={what} />;
  if (items.length === 0) return <p>{empty}</p>;
  return (
    <>
      <div className="tp-table-wrap">
        <Table responsive data-testid="sign-ins">
          <thead>
            <tr>
              <th scope="col">Time</th>
              {person && <th scope="col">TechPass ID</th>}
              <th scope="col">Result</th>
              <th scope="col">Reason</th>
              <th scope="col">Application</th>
              <th scope="col">Factors</th>
              <th scope="col">Address</th>
              <th scope="col">Reference</th>
            </tr>
          </thead>
          <tbody>
            {items.map((s) => (
              <tr key={s.id}>
                <td className="text-nowrap">{when(s.occurredAt)}</td>
                {person && <td>{s.login ?? '—'}</td>}
                <td>
                  <Badge bg={s.result === 'succeeded' ? 'success' : 'danger'}>{s.result === 'succeeded' ? 'Succeeded' : 'Failed'}</Badge>
                </td>
                <td>{reasonText(s.reason)}</td>
                <td>
                  {s.clientId ? (
                    <>
                      {appName(s.clientId) ?? s.application ?? <span className="tp-code">{s.clientId}</span>}
                      {s.namespace && <div className="small text-muted">{s.namespace}</div>}
                    </>
                  ) : (
                    '—'
                  )}
                </td>
                <td>{s.factors.length ? s.factors.map(factorName).join(', ') : '—'}</td>
                <td className="text-nowrap">{s.ip ?? '—'}</td>
                <td className="tp-code small">{s.correlationId ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      </div>
      {more && (
        <Button variant="outline-primary" onClick={more} disabled={busy}>
          More
        </Button>
      )}
    </>
  );
}
