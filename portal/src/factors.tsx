/** Second factors as the portal shows them, to their owner (My Account) and to a platform admin (a user's page). */
import { Table } from '@govtechsg/sgds-react';
import type { ReactNode } from 'react';
import { when } from './parts.js';

export interface Factor {
  id: string;
  type: 'totp' | 'passkey' | 'authenticator';
  label: string;
  createdAt: number;
  lastUsedAt: number | null;
}

export const FACTOR_TYPE: Record<Factor['type'], string> = {
  totp: 'Authenticator app (one-time codes)',
  passkey: 'Passkey or security key',
  authenticator: 'TechPass Authenticator',
};

/** The factors, one row each, with what may be done to each in the last column. */
export function FactorTable({
  factors,
  caption,
  action,
  testId,
}: {
  factors: Factor[];
  caption: string;
  action: (f: Factor) => ReactNode;
  testId?: string;
}) {
  return (
    <div className="tp-table-wrap">
      <Table responsive data-testid={testId}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Type</th>
            <th scope="col">Added</th>
            <th scope="col">Last used</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {factors.map((f) => (
            <tr key={f.id}>
              <td>{f.label}</td>
              <td>{FACTOR_TYPE[f.type]}</td>
              <td>{when(f.createdAt)}</td>
              <td>{f.lastUsedAt ? when(f.lastUsedAt) : 'Not yet'}</td>
              <td className="text-end">{action(f)}</td>
            </tr>
          ))}
        </tbody>
      </Table>
    </div>
  );
}
