/**
 * The portal's frame: the Government masthead, the TechPass header with the sections
 * of the role in use and the menu under the person's name (switch role, sign out), the
 * page, the footer. Roles come from the management API (`GET /api/v1/me`); a person
 * with several (platform admin, tenant admin, user) switches between them.
 */
import { Footer, Nav, Navbar, NavDropdown } from '@govtechsg/sgds-react';
import { useEffect, useState } from 'react';
import { NavLink, Navigate, Route, Routes, useNavigate } from 'react-router';
import { get, signOut, type Me, type Session } from './api.js';
import { Loading, Problem } from './parts.js';
import { AccountLayout, AccountPage } from './pages/account.js';
import { AccountActivityPage } from './pages/account-activity.js';
import { AccountInvitePage } from './pages/account-invite.js';
import { AccountSecurityPage } from './pages/account-security.js';
import { AccountTenantRequestsPage } from './pages/account-tenants.js';
import { AuditPage } from './pages/audit.js';
import { KeysPage } from './pages/keys.js';
import { ApplicationPage } from './pages/application.js';
import { NamespacePage } from './pages/namespace.js';
import { NamespaceSignInsPage, NamespaceVendorsPage } from './pages/namespace-activity.js';
import { NamespacesPage } from './pages/namespaces.js';
import { NewApplicationPage } from './pages/tenant-application.js';
import { GroupPage } from './pages/tenant-groups.js';
import { TenantRequestsPage } from './pages/platform-requests.js';
import { UserPage } from './pages/platform-user.js';
import { UsersPage } from './pages/platform-users.js';
import { IdentityProvidersPage } from './pages/platform-idps.js';
import { IdentityProviderPage } from './pages/platform-idp.js';

export type View = 'platform_admin' | 'tenant_admin' | 'user';

const VIEW_NAMES: Record<View, string> = { platform_admin: 'Platform admin', tenant_admin: 'Tenant admin', user: 'My account' };

/** The views a role may switch between: everyone is a user; admins are that too. */
function viewsOf(me: Me): View[] {
  if (me.role === 'platform_admin') return me.adminOf.length ? ['platform_admin', 'tenant_admin', 'user'] : ['platform_admin', 'user'];
  if (me.role === 'tenant_admin') return ['tenant_admin', 'user'];
  return ['user'];
}

const home = (view: View) => (view === 'user' ? '/account' : '/namespaces');

export function App({ session }: { session: Session }) {
  const [me, setMe] = useState<Me | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [view, setView] = useState<View | null>(null);
  const navigate = useNavigate();

  useEffect(() => {
    get<Me>('/me')
      .then(({ body }) => {
        setMe(body);
        const saved = window.sessionStorage.getItem('tp-view') as View | null;
        setView(saved && viewsOf(body).includes(saved) ? saved : viewsOf(body)[0]!);
      })
      .catch(setError);
  }, []);

  const switchTo = (next: View) => {
    window.sessionStorage.setItem('tp-view', next);
    setView(next);
    navigate(home(next));
  };

  return (
    <>
      <a className="tp-skip" href="#main">
        Skip to main content
      </a>
      <div className="tp-masthead">
        <div className="container">A Singapore Government Agency Website</div>
      </div>
      <Navbar expand="xl" className="tp-header tp-portal-nav" aria-label="TechPass portal">
        <div className="container">
          <Navbar.Brand as={NavLink} to={view ? home(view) : '/'}>
            <span className="tp-logo" aria-hidden="true">
              TP
            </span>{' '}
            <span className="tp-brand">TechPass portal</span>
          </Navbar.Brand>
          <Navbar.Toggle aria-controls="tp-portal-menu" aria-label="Menu" title="Menu">
            <span className="navbar-toggler-icon" aria-hidden="true" />
            <span className="visually-hidden">Menu</span>
          </Navbar.Toggle>
          <Navbar.Collapse id="tp-portal-menu">
            <Nav className="me-auto" as="div">
              {view && view !== 'user' && (
                <Nav.Link as={NavLink} to="/namespaces">
                  {view === 'platform_admin' ? 'Namespaces' : 'My namespaces'}
                </Nav.Link>
              )}
              {view === 'platform_admin' && (
                <Nav.Link as={NavLink} to="/tenant-requests">
                  Tenant requests
                </Nav.Link>
              )}
              {view === 'platform_admin' && (
                <Nav.Link as={NavLink} to="/users">
                  Users
                </Nav.Link>
              )}
              {view === 'platform_admin' && (
                <Nav.Link as={NavLink} to="/identity-providers">
                  Identity providers
                </Nav.Link>
              )}
              {view === 'platform_admin' && (
                <Nav.Link as={NavLink} to="/audit">
                  Audit log
                </Nav.Link>
              )}
              {view === 'platform_admin' && (
                <Nav.Link as={NavLink} to="/keys">
                  Signing keys
                </Nav.Link>
              )}
              {view === 'user' && (
                <Nav.Link as={NavLink} to="/account">
                  My account
                </Nav.Link>
              )}
            </Nav>
            <Nav>
              <NavDropdown title={session.email} id="tp-user-menu" align="end">
                {me &&
                  viewsOf(me).length > 1 &&
                  viewsOf(me).map((v) => (
                    <NavDropdown.Item key={v} as="button" onClick={() => switchTo(v)} active={v === view} aria-current={v === view}>
                      {VIEW_NAMES[v]}
                    </NavDropdown.Item>
                  ))}
                {me && viewsOf(me).length > 1 && <NavDropdown.Divider />}
                <NavDropdown.Item as="button" onClick={() => void signOut()}>
                  Sign out
                </NavDropdown.Item>
              </NavDropdown>
            </Nav>
          </Navbar.Collapse>
        </div>
      </Navbar>
      <main id="main" className="container tp-portal-main" tabIndex={-1}>
        {error ? (
          <Problem error={error} />
        ) : !me || !view ? (
          <Loading what="your roles" />
        ) : (
          <Routes>
            <Route path="/" element={<Navigate to={home(view)} replace />} />
            <Route path="/account" element={<AccountLayout />}>
              <Route index element={<AccountPage me={me} />} />
              <Route path="security" element={<AccountSecurityPage me={me} />} />
              <Route path="sign-ins" element={<AccountActivityPage />} />
              <Route path="tenant-requests" element={<AccountTenantRequestsPage me={me} />} />
              <Route path="invite" element={<AccountInvitePage />} />
            </Route>
            <Route path="/namespaces" element={<NamespacesPage me={me} />} />
            <Route path="/namespaces/:namespace" element={<NamespacePage />} />
            <Route path="/namespaces/:namespace/sign-ins" element={<NamespaceSignInsPage />} />
            <Route path="/namespaces/:namespace/vendors" element={<NamespaceVendorsPage />} />
            <Route path="/namespaces/:namespace/applications/new" element={<NewApplicationPage />} />
            <Route path="/namespaces/:namespace/applications/:clientId" element={<ApplicationPage />} />
            <Route path="/namespaces/:namespace/groups/:group" element={<GroupPage />} />
            <Route path="/tenant-requests" element={<TenantRequestsPage />} />
            <Route path="/users" element={<UsersPage />} />
            <Route path="/users/:userId" element={<UserPage />} />
            <Route path="/identity-providers" element={<IdentityProvidersPage />} />
            <Route path="/identity-providers/:id" element={<IdentityProviderPage />} />
            <Route path="/audit" element={<AuditPage />} />
            <Route path="/keys" element={<KeysPage />} />
            <Route path="*" element={<NotFound to={home(view)} />} />
          </Routes>
        )}
      </main>
      <Footer>
        <Footer.Bottom>
          <Footer.Bottom.Links>
            <a href="/policies/privacy">Privacy Policy</a>
            <a href="/policies/terms">Terms of Use</a>
          </Footer.Bottom.Links>
          <Footer.Bottom.Copyrights>TechPass · Identity and access for the Singapore Government Tech Stack</Footer.Bottom.Copyrights>
        </Footer.Bottom>
      </Footer>
    </>
  );
}

function NotFound({ to }: { to: string }) {
  return (
    <>
      <h1>Page not found</h1>
      <p>There is nothing at this address in the portal.</p>
      <NavLink className="btn btn-primary" to={to}>
        Go to the start page
      </NavLink>
    </>
  );
}
