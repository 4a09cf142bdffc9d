/**
 * The platform admin's signing keys: which key signs tokens now, which is published
 * ahead of its turn, which still verifies after retiring (never a private part).
 */
import { Table } from '@govtechsg/sgds-react';
import { useEffect, useState } from 'react';
import { get } from '../api.js';
import { Loading, Problem, when } from '../parts.js';

type KeyState = 'current' | 'next' | 'retired' | 'expired';

export interface SigningKey {
  kid: string;
  alg: string;
  state: KeyState;
  createdAt: number;
  activatedAt: number | null;
  retiredAt: number | null;
  publishUntil: number | null;
}

const STATES: Record<KeyState, { name: string; badge: string }> = {
  current: { name: 'Current: signs tokens', badge: 'bg-success' },
  next: { name: 'Next: published ahead', badge: 'bg-primary' },
  retired: { name: 'Retired: still verifies', badge: 'bg-warning text-dark' },
  expired: { name: 'Expired', badge: 'bg-secondary' },
};

export function KeysPage() {
  const [keys, setKeys] = useState<SigningKey[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    get<{ items: SigningKey[] }>('/keys')
      .then(({ body }) => setKeys(body.items))
      .catch(setError);
  }, []);

  return (
    <>
      <h1>Signing keys</h1>
      <p>
        The keys TechPass signs tokens with; applications verify tokens with their public parts. The current key signs, the next is published ahead of
        its turn, and a retired key still verifies tokens until the date shown.
      </p>
      {error ? (
        <Problem error={error} />
      ) : !keys ? (
        <Loading what="the signing keys" />
      ) : keys.length === 0 ? (
        <p role="status">There is no signing key yet.</p>
      ) : (
        <div className="tp-table-wrap">
          <Table responsive>
            <caption className="visually-hidden">Signing keys</caption>
            <thead>
              <tr>
                <th scope="col">Key ID</th>
                <th scope="col">Algorithm</th>
                <th scope="col">State</th>
                <th scope="col">Created</th>
                <th scope="col">Activated</th>
                <th scope="col">Retired</th>
                <th scope="col">Published until</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.kid}>
                  <td className="font-monospace text-nowrap">{k.kid}</td>
                  <td>{k.alg}</td>
                  <td>
                    <span className={`badge ${STATES[k.state].badge}`}>{STATES[k.state].name}</span>
                  </td>
                  <td>{when(k.createdAt)}</td>
                  <td>{when(k.activatedAt)}</td>
                  <td>{when(k.retiredAt)}</td>
                  <td>{when(k.publishUntil)}</td>
                </tr>
              ))}
            </tbody>
          </Table>
        </div>
      )}
    </>
  );
}
