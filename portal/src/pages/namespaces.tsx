/** The namespaces the person administers (a platform admin: every one). */
import { Table } from '@govtechsg/sgds-react';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { get, type Me } from '../api.js';
import { Loading, Problem, when } from '../parts.js';

export interface Namespace {
  id: string;
  name: string;
  displayName: string;
  description: string;
  createdAt: number;
}

export function NamespacesPage({ me }: { me: Me }) {
  const [items, setItems] = useState<Namespace[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    (async () => {
      const all: Namespace[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `?limit=200&cursor=${encodeURIComponent(cursor)}` : '?limit=200';
        const page: { body: { items: Namespace[]; nextCursor: string | null } } = await get(`/namespaces${query}`);
        all.push(...page.body.items);
        cursor = page.body.nextCursor;
      } while (cursor);
      setItems(all);
    })().catch(setError);
  }, []);

  return (
    <>
      <h1>{me.role === 'platform_admin' ? 'Namespaces' : 'My namespaces'}</h1>
      {error ? (
        <Problem error={error} />
      ) : !items ? (
        <Loading what="namespaces" />
      ) : items.length === 0 ? (
        <p>You administer no namespace yet.</p>
      ) : (
        <div className="tp-table-wrap">
          <Table responsive>
            <thead>
              <tr>
                <th scope="col">Namespace</th>
                <th scope="col">Display name</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {items.map((n) => (
                <tr key={n.id}>
                  <td>
                    <Link to={`/namespaces/${n.name}`}>{n.name}</Link>
                  </td>
                  <td>{n.displayName}</td>
                  <td>{when(n.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </Table>
        </div>
      )}
    </>
  );
}
