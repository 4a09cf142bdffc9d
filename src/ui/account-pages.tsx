/** Pages outside a sign-in: password reset by e-mailed link. */
import { Button, FormControl, FormLabel } from '@govtechsg/sgds-react';
import { Layout, Notice } from './layout.js';

/** The new password, twice; the server checks them (length, common passwords, identifiers). */
function NewPasswordFields({ autoFocus = false }: { autoFocus?: boolean }) {
  return (
    <>
      <FormLabel htmlFor="password" className={autoFocus ? undefined : 'mt-3'}>
        New password
      </FormLabel>
      <FormControl id="password" name="password" type="password" autoComplete="new-password" required autoFocus={autoFocus} minLength={12} />
      <FormLabel htmlFor="confirm" className="mt-3">
        Confirm new password
      </FormLabel>
      <FormControl id="confirm" name="confirm" type="password" autoComplete="new-password" required minLength={12} />
    </>
  );
}

export function ResetRequestPage({ csrf, login, problem }: { csrf: string; login?: string | undefined; problem?: string | undefined }) {
  return (
    <Layout title="Reset your password">
      <h1>Reset your password</h1>
      <p className="tp-sub">We will e-mail you a link to choose a new password. The link works once, for 30 minutes.</p>
      {problem ? <Notice variant="danger">{problem}</Notice> : null}
      <form method="post" action="/login/reset">
        <input type="hidden" name="csrf" value={csrf} />
        <FormLabel htmlFor="login">TechPass ID</FormLabel>
        <FormControl id="login" name="login" type="text" autoComplete="username" required autoFocus defaultValue={login ?? ''} />
        <div className="tp-actions">
          <Button type="submit" variant="primary">
            Send reset link
          </Button>
        </div>
      </form>
    </Layout>
  );
}

export function ResetSentPage() {
  return (
    <Layout title="Check your e-mail">
      <h1>Check your e-mail</h1>
      <p>If there is a TechPass account with that ID, we have sent a reset link to its e-mail address. The link works once, for 30 minutes.</p>
    </Layout>
  );
}

export function ResetFormPage({ csrf, action, problem }: { csrf: string; action: string; problem?: string | undefined }) {
  return (
    <Layout title="Choose a new password">
      <h1>Choose a new password</h1>
      <p className="tp-sub">At least 12 characters. Avoid common passwords and your own name or e-mail.</p>
      {problem ? <Notice variant="danger">{problem}</Notice> : null}
      <form method="post" action={action}>
        <input type="hidden" name="csrf" value={csrf} />
        <NewPasswordFields autoFocus />
        <div className="tp-actions">
          <Button type="submit" variant="primary">
            Set password
          </Button>
        </div>
      </form>
    </Layout>
  );
}

export function ResetDonePage({ firstPassword = false }: { firstPassword?: boolean } = {}) {
  if (firstPassword) {
    return (
      <Layout title="Password set">
        <h1>Your password is set</h1>
        <p>
          Go back to the application you were using and sign in with your TechPass ID and this password. The first sign-in also sets up a second
          factor.
        </p>
      </Layout>
    );
  }
  return (
    <Layout title="Password changed">
      <h1>Your password is changed</h1>
      <p>Your account is unlocked. Go back to the application you were using and sign in with your new password.</p>
    </Layout>
  );
}

export function ResetInvalidPage() {
  return (
    <Layout title="Link not valid">
      <h1>This link cannot be used</h1>
      <Notice variant="warning">The reset link has expired or was already used. Ask for a new one.</Notice>
      <p>
        <a href="/login/reset">Send a new reset link</a>
      </p>
    </Layout>
  );
}

export function ChangePasswordPage({ csrf, login, problem }: { csrf: string; login?: string | undefined; problem?: string | undefined }) {
  return (
    <Layout title="Change your password">
      <h1>Change your password</h1>
      <p className="tp-sub">
        Sign in to TechPass in this browser first (with your second factor). The new password needs at least 12 characters; avoid common
        passwords and your own name or e-mail. You are then signed out everywhere.
      </p>
      {problem ? <Notice variant="danger">{problem}</Notice> : null}
      <form method="post" action="/login/change-password">
        <input type="hidden" name="csrf" value={csrf} />
        <FormLabel htmlFor="login">TechPass ID</FormLabel>
        <FormControl id="login" name="login" type="text" autoComplete="username" required defaultValue={login ?? ''} />
        <FormLabel htmlFor="current" className="mt-3">
          Current password
        </FormLabel>
        <FormControl id="current" name="current" type="password" autoComplete="current-password" required />
        <NewPasswordFields />
        <div className="tp-actions">
          <Button type="submit" variant="primary">
            Change password
          </Button>
          <a href="/login/reset">Forgot your password?</a>
        </div>
      </form>
    </Layout>
  );
}

export function PasswordChangedPage() {
  return (
    <Layout title="Password changed">
      <h1>Your password is changed</h1>
      <p>You were signed out everywhere, this browser too. Sign in again with your new password.</p>
    </Layout>
  );
}
