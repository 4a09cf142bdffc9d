/**
 * One account as a platform admin sees it: profile, status, type, agency, dates; the
 * actions on it (disable or terminate with a reason, enable, unlock, clear high risk,
 * end sessions) and its second factors (platform-user-factors.tsx). Every refusal is
 * shown with the API's own words.
 */
import { Button, Form } from '@govtechsg/sgds-react';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { api, ApiError, get } from '../api.js';
import { ConfirmButton, Loading, Notice, Problem, when } from '../parts.js';
import { Factors, plain } from './platform-user-factors.js';
import { StatusBadge, TYPE_NAMES, type UserStatus, type UserType } from './platform-users.js';

interface User {
  id: string;
  email: string;
  givenName: string;
  familyName: string;
  status: UserStatus;
  username: string | null;
  techpassId: string;
  type: UserType;
  platformAdmin: boolean;
  locked: boolean;
  lockedAt: number | null;
  mobile: string | null;
  agency: string | null;
  department: string | null;
  businessOperation: 'onshore' | 'offshore' | null;
  reportingOfficerEmail: string | null;
  companyAddress: string | null;
  createdAt: number;
  updatedAt: number;
  lastSignInAt: number | null;
}

export function UserPage() {
  const { userId = '' } = useParams();
  const [user, setUser] = useState<User | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);

  const load = useCallback(() => {
    get<User>(`/users/${encodeURIComponent(userId)}`)
      .then(({ body }) => setUser(body))
      .catch(setError);
  }, [userId]);
  useEffect(() => {
    setUser(null);
    setError(null);
    setOutcome(null);
    load();
  }, [load]);

  const back = (
    <p className="mb-2">
      <Link to="/users">← Users</Link>
    </p>
  );
  if (error) {
    return (
      <>
        {back}
        <Problem error={error} />
      </>
    );
  }
  if (!user) return <Loading what="the account" />;

  const path = `/users/${encodeURIComponent(user.id)}`;
  /** An action without confirmation; its outcome (or refusal) shown above the actions. */
  const act = (what: string, call: () => Promise<unknown>, done: string) => {
    setOutcome(null);
    call()
      .then(() => {
        setOutcome({ ok: true, text: done });
        load();
      })
      .catch((e: unknown) => {
        setOutcome({ ok: false, text: `Could not ${what}. TechPass refused: ${plain(e).message}` });
        load();
      });
  };
  /** An action confirmed in a dialog: a refusal stays in the dialog. */
  const confirmed = async <T,>(call: () => Promise<T>, done: string | ((answer: T) => string)) => {
    setOutcome(null);
    let answer: T;
    try {
      answer = await call();
    } catch (e) {
      const refusal = plain(e, 'reason', 'Reason');
      if (e instanceof ApiError) {
        // Refused by TechPass: said on the page too (the account is reloaded, and the dialog's button may go with its state).
        setOutcome({ ok: false, text: `TechPass refused: ${refusal.message}` });
        load();
      }
      throw refusal;
    }
    setOutcome({ ok: true, text: typeof done === 'string' ? done : done(answer) });
    load();
  };
  const withReason = (reason: string) => {
    if (!reason.trim()) throw new Error('Give a reason: it is kept in the audit log.');
    return { reason: reason.trim() };
  };
  const name = `${user.givenName} ${user.familyName}`.trim() || user.email;

  return (
    <>
      {back}
      <p className="text-muted mb-1">User</p>
      <h1>{name}</h1>
      <dl className="tp-dl tp-dl-grid">
        <dt>TechPass ID</dt>
        <dd className="tp-code" data-testid="user-techpass-id">
          {user.techpassId}
        </dd>
        <dt>E-mail</dt>
        <dd>{user.email}</dd>
        <dt>Status</dt>
        <dd data-testid="user-status">
          <StatusBadge status={user.status} />
          {user.locked ? ` · locked since ${when(user.lockedAt)}` : ''}
        </dd>
        <dt>Type</dt>
        <dd>
          {TYPE_NAMES[user.type]}
          {user.platformAdmin ? ' · platform admin' : ''}
        </dd>
        <dt>Agency</dt>
        <dd>{user.agency ?? '—'}</dd>
        <dt>Department</dt>
        <dd>{user.department ?? '—'}</dd>
        <dt>Mobile</dt>
        <dd>{user.mobile ?? '—'}</dd>
        {user.businessOperation && (
          <>
            <dt>Business operation</dt>
            <dd>{user.businessOperation === 'offshore' ? 'Offshore' : 'Onshore'}</dd>
          </>
        )}
        {user.reportingOfficerEmail && (
          <>
            <dt>Reporting officer</dt>
            <dd>{user.reportingOfficerEmail}</dd>
          </>
        )}
        {user.companyAddress && (
          <>
            <dt>Company address</dt>
            <dd>{user.companyAddress}</dd>
          </>
        )}
        <dt>Created</dt>
        <dd>{when(user.createdAt)}</dd>
        <dt>Last changed</dt>
        <dd>{when(user.updatedAt)}</dd>
        <dt>Last sign-in</dt>
        <dd>{user.lastSignInAt ? when(user.lastSignInAt) : 'Never'}</dd>
        <dt>User ID</dt>
        <dd className="tp-code">{user.id}</dd>
      </dl>

      <section aria-labelledby="tp-user-actions">
        <h2 id="tp-user-actions">Actions</h2>
        <div aria-live="polite">{outcome && <Notice variant={outcome.ok ? 'success' : 'danger'}>{outcome.text}</Notice>}</div>
        {user.status === 'terminated' ? (
          <p>This account is terminated: nothing can change it any more.</p>
        ) : (
          <div className="d-flex flex-wrap gap-2">
            {user.status === 'disabled' && (
              <Button
                variant="primary"
                size="sm"
                onClick={() => act('enable the account', () => api('POST', `${path}/enable`, { body: {} }), 'Enabled: the person can sign in again.')}
              >
                Enable
              </Button>
            )}
            {user.locked && (
              <Button
                variant="primary"
                size="sm"
                onClick={() => act('unlock the account', () => api('POST', `${path}/unlock`, { body: {} }), 'Unlocked.')}
              >
                Unlock
              </Button>
            )}
            {user.status === 'high_risk' && (
              <Button
                variant="primary"
                size="sm"
                onClick={() =>
                  act('clear the high risk', () => api('POST', `${path}/clear-risk`), 'Cleared: the account is no longer held as high risk.')
                }
              >
                Clear high risk
              </Button>
            )}
            {user.status !== 'disabled' && (
              <ReasonButton
                label="Disable"
                title={`Disable ${user.techpassId}?`}
                confirm="Disable account"
                onConfirm={(reason) =>
                  confirmed(() => api('POST', `${path}/disable`, { body: withReason(reason) }), 'Disabled: the person cannot sign in until enabled.')
                }
              >
                <p>{name} cannot sign in until a platform admin enables the account again. Their sessions end now.</p>
              </ReasonButton>
            )}
            <ConfirmButton
              label="End sessions"
              title={`End every session of ${user.techpassId}?`}
              confirm="End sessions"
              onConfirm={() =>
                confirmed(
                  () => api<{ sessions: number; grants: number }>('POST', `${path}/end-sessions`, { body: {} }),
                  ({ body }) => `Sessions ended: ${body.sessions} sign-in session(s) and ${body.grants} application grant(s).`,
                )
              }
            >
              <p>{name} is signed out everywhere: in every browser and every application. Their refresh tokens stop working.</p>
            </ConfirmButton>
            <ReasonButton
              label="Terminate"
              title={`Terminate ${user.techpassId} for good?`}
              confirm="Terminate account for good"
              onConfirm={(reason) => confirmed(() => api('POST', `${path}/terminate`, { body: withReason(reason) }), 'Terminated.')}
            >
              <p>
                <strong>This is final.</strong> A terminated account can never be enabled again: {name} loses access to TechPass and every application
                for good.
              </p>
            </ReasonButton>
          </div>
        )}
      </section>

      <Factors path={path} name={name} />
      <p className="mt-4">
        <Link to="/users">← Back to users</Link>
      </p>
    </>
  );
}

/** A ConfirmButton whose dialog asks for a reason (required; kept in the audit log). */
function ReasonButton(props: { label: string; title: string; confirm: string; children: ReactNode; onConfirm: (reason: string) => Promise<void> }) {
  const [reason, setReason] = useState('');
  const id = `tp-reason-${props.label.toLowerCase()}`;
  return (
    <ConfirmButton label={props.label} title={props.title} confirm={props.confirm} onConfirm={() => props.onConfirm(reason)}>
      {props.children}
      <Form.Group controlId={id}>
        <Form.Label>Reason (kept in the audit log)</Form.Label>
        <Form.Control as="textarea" rows={2} value={reason} maxLength={500} required onChange={(e) => setReason(e.target.value)} />
      </Form.Group>
    </ConfirmButton>
  );
}
