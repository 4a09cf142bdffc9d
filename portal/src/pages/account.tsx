/**
 * My Account: who the portal knows the person as and what they administer, their
 * profile, their second factors, password and signed-in sessions, their tenant requests
 * and invitations — one page per section under a row of tabs.
 */
import { Nav } from '@govtechsg/sgds-react';
import { Link, NavLink, Outlet, useMatch } from 'react-router';
import type { Me } from '../api.js';
import { ProfileSection } from './account-profile.js';
import { PasswordSection } from './account-password.js';
import { SessionsSection } from './account-sessions.js';

const ROLE: Record<Me['role'], string> = { platform_admin: 'Platform admin', tenant_admin: 'Tenant admin', user: 'User' };

const SECTIONS = [
  { to: '/account', name: 'Profile', end: true },
  { to: '/account/security', name: 'Security', end: false },
  { to: '/account/sign-ins', name: 'Sign-in activity', end: false },
  { to: '/account/tenant-requests', name: 'Tenant requests', end: false },
  { to: '/account/invite', name: 'Invite a user', end: false },
];

/** The frame of every My Account page: its heading and the sections' tabs. */
export function AccountLayout() {
  // Security's password and sessions (account-password.tsx, account-sessions.tsx) follow its second factors.
  const security = useMatch('/account/security');
  return (
    <>
      <h1>My account</h1>
      <nav aria-label="My account sections" className="mb-4">
        <Nav as="ul" className="nav-tabs tp-account-tabs">
          {SECTIONS.map((s) => (
            <Nav.Item as="li" key={s.to}>
              <Nav.Link as={NavLink} to={s.to} end={s.end}>
                {s.name}
              </Nav.Link>
            </Nav.Item>
          ))}
        </Nav>
      </nav>
      <Outlet />
      {security && (
        <>
          <PasswordSection />
          <SessionsSection />
        </>
      )}
    </>
  );
}

export function AccountPage({ me }: { me: Me }) {
  return (
    <>
      <section aria-labelledby="tp-account-who">
        <h2 id="tp-account-who" className="visually-hidden">
          Your access
        </h2>
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
      </section>
      <ProfileSection />
    </>
  );
}
