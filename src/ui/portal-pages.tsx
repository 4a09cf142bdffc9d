/** The portal's server-rendered pages around its sign-in: signed out, and a sign-in that could not finish. */
import { Layout, Notice } from './layout.js';

export function PortalSignedOutPage() {
  return (
    <Layout title="Signed out">
      <h1 className="h3">You are signed out</h1>
      <p>You signed out of the TechPass portal and of TechPass on this browser.</p>
      <a className="btn btn-primary" href="/portal/login">
        Sign in again
      </a>
    </Layout>
  );
}

export function PortalSignInProblemPage({ message, correlationId }: { message: string; correlationId: string }) {
  return (
    <Layout title="Sign-in did not finish">
      <h1 className="h3">Sign-in to the portal did not finish</h1>
      <Notice variant="warning">{message}</Notice>
      <p className="text-muted small">Reference: {correlationId}</p>
      <a className="btn btn-primary" href="/portal/login">
        Sign in again
      </a>
    </Layout>
  );
}
