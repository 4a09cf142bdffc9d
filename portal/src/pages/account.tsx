/** My Account: who the portal knows the person as, and what they administer. */
import { Link } from 'react-router';
import type { Me } from '../api.js';

const ROLE: Record<Me['role'], string> = { platform_admin: 'Platform admin', tenant_admin: 'Tenant admin', user: 'User' };

export function AccountPage({ me }: { me: Me }) {
  return (
    <>
      <h1>My account</h1>
      <dl className="tp-dl">
        <dt>TechPass ID</dt>
        <dd data-testid="account-email">{me.email}</dd>
        <dt>Role</dt>
        <dd>{ROLE[me.role]}</dd>
        {me.adminOf.length > 0 && (
          <>
            <dt>Admin of</dt>
            <dd>
              <ul className="list-unstyled mb-0">
                {me.adminOf.map((ns) => (
                  <li key={ns}>
                    <Link to={`/namespaces/${ns}`}>{ns}</Link>
                  </li>
                ))}
              </ul>
            </dd>
          </>
        )}
      </dl>
    </>
  );
}
