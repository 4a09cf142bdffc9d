/**
 * My Account › Security › Signed-in sessions (`GET /me/sessions`): each browser where
 * the person is signed in to TechPass, with what they can recognise it by (when, which
 * applications, which browser and address), this browser marked. "Sign out" ends one
 * after a confirmation (`DELETE /me/sessions/{id}`); ending this browser's own session
 * ends the portal's too, so the person lands on the signed-out page.
 */
import { Badge, Button } from '@govtechsg/sgds-react';
import { useCallback, useEffect, useState } from 'react';
import { api, get } from '../api.js';
import { ConfirmButton, Loading, Notice, Problem, when } from '../parts.js';

export interface OwnSession {
  id: string;
  signedInAt: number;
  lastSeenAt: number | null;
  expiresAt: number | null;
  applications: Array<{ clientId: string; name: string | null }>;
  ip: string | null;
  userAgent: string | null;
  browser: string;
  current: boolean;
}

const SIGNED_OUT = '/portal/signed-out';

const applicationsOf = (s: OwnSession) =>
  s.applications.map((a) => a.name ?? 'An application that no longer exists').join(', ') || 'No application yet';

export function SessionsSection() {
  const [sessions, setSessions] = useState<OwnSession[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const load = useCallback(() => {
    setError(null);
    get<{ items: OwnSession[] }>('/me/sessions')
      .then(({ body }) => setSessions(body.items))
      .catch(setError);
  }, []);
  useEffect(load, [load]);

  const end = async (s: OwnSession) => {
    const { body } = await api<{ current: boolean }>('DELETE', `/me/sessions/${encodeURIComponent(s.id)}`);
    if (body.current) {
      window.location.assign(SIGNED_OUT);
      return;
    }
    setDone(`Signed out of ${s.browser}.`);
    load();
  };
  const others = sessions?.filter((s) => !s.current) ?? [];

  return (
    <section aria-labelledby="tp-sessions" className="mt-5">
      <h2 id="tp-sessions">Signed-in sessions</h2>
      <p>
        The browsers where you are signed in to TechPass. If you do not recognise one, sign it out and change your password: it will have to sign in
        again.
      </p>
      {done && <Notice variant="success">{done}</Notice>}
      {error ? (
        <>
          <Problem error={error} />
          <Button variant="outline-primary" size="sm" onClick={load}>
            Try again
          </Button>
        </>
      ) : !sessions ? (
        <Loading what="your signed-in sessions" />
      ) : sessions.length === 0 ? (
        <p className="text-muted">You are not signed in to TechPass anywhere else.</p>
      ) : (
        <>
          <ul className="list-unstyled tp-sessions" data-testid="sessions">
            {sessions.map((s) => (
              <li key={s.id} className="card mb-3" data-testid="session">
                <div className="card-body">
                  <h3 className="h5 card-title">
                    {s.browser}
                    {s.current && (
                      <Badge bg="success" className="ms-2">
                        This browser
                      </Badge>
                    )}
                  </h3>
                  <dl className="tp-dl tp-dl-grid mb-2">
                    <dt>Signed in</dt>
                    <dd>{when(s.signedInAt)}</dd>
                    <dt>Last seen</dt>
                    <dd>{when(s.lastSeenAt)}</dd>
                    <dt>Applications</dt>
                    <dd>{applicationsOf(s)}</dd>
                    {s.ip && (
                      <>
                        <dt>Address</dt>
                        <dd>{s.ip}</dd>
                      </>
                    )}
                  </dl>
                  <ConfirmButton
                    label={s.current ? 'Sign out of this browser' : 'Sign out'}
                    title={s.current ? 'Sign out of this browser?' : `Sign out of ${s.browser}?`}
                    confirm="Sign out"
                    onConfirm={() => end(s)}
                  >
                    {s.current ? (
                      <p>This ends your session in this browser, the portal included: you will have to sign in again.</p>
                    ) : (
                      <p>
                        {s.browser}
                        {s.ip ? ` (${s.ip})` : ''} will be signed out of TechPass and of {applicationsOf(s)}, and will have to sign in again.
                      </p>
                    )}
                  </ConfirmButton>
                </div>
              </li>
            ))}
          </ul>
          {others.length > 1 && (
            <ConfirmButton
              label="Sign out of every other browser"
              title="Sign out of every other browser?"
              confirm="Sign out of all others"
              onConfirm={async () => {
                const { body } = await api<{ ended: number }>('POST', '/me/sessions/end-others');
                setDone(`Signed out of ${body.ended} other ${body.ended === 1 ? 'browser' : 'browsers'}.`);
                load();
              }}
            >
              <p>Every browser but this one will be signed out of TechPass and have to sign in again.</p>
            </ConfirmButton>
          )}
        </>
      )}
    </section>
  );
}
