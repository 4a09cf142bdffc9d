/**
 * My Account › Security: the person's second factors (`GET /users/{self}/factors`).
 * Listed only: removing one's own factor needs a fresh second factor, which the API
 * cannot check yet, so a platform admin removes one on request.
 */
import { Table } from '@govtechsg/sgds-react';
import { useEffect, useState } from 'react';
import { get, type Me } from '../api.js';
import { Loading, Problem, when } from '../parts.js';

interface Factor {
  id: string;
  type: 'totp' | 'passkey' | 'authenticator';
  label: string;
  createdAt: number;
  lastUsedAt: number | null;
}

const TYPE: Record<Factor['type'], string> = {
  totp: 'Authenticator app (one-time codes)',
  passkey: 'Passkey or security key',
  authenticator: 'TechPass authenticator',
};

export function AccountSecurityPage({ me }: { me: Me }) {
  const [factors, setFactors] = useState<Factor[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    get<{ items: Factor[] }>(`/users/${encodeURIComponent(me.userId)}/factors`)
      .then(({ body }) => setFactors(body.items))
      .catch(setError);
  }, [me.userId]);
  return (
    <section aria-labelledby="tp-factors">
      <h2 id="tp-factors">Second factors</h2>
      <p>You confirm each sign-in to TechPass with one of these, after your password or your agency’s sign-in.</p>
      {error ? (
        <Problem error={error} />
      ) : !factors ? (
        <Loading what="your second factors" />
      ) : factors.length === 0 ? (
        <p>You have no second factor yet. TechPass asks you to set one up at your next sign-in.</p>
      ) : (
        <div className="tp-table-wrap">
          <Table responsive>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">Added</th>
                <th scope="col">Last used</th>
              </tr>
            </thead>
            <tbody>
              {factors.map((f) => (
                <tr key={f.id}>
                  <td>{f.label}</td>
                  <td>{TYPE[f.type]}</td>
                  <td>{when(f.createdAt)}</td>
                  <td>{f.lastUsedAt ? when(f.lastUsedAt) : 'Not yet'}</td>
                </tr>
              ))}
            </tbody>
          </Table>
        </div>
      )}
      <p className="text-muted">Lost a device, or want one of these removed? Ask a platform admin: they remove it and tell you by e-mail.</p>
    </section>
  );
}
