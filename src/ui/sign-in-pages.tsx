/**
 * The sign-in pages, one component per flow state. Every form posts back to the
 * flow with its CSRF token; every error says what happened and what to do.
 */
import { Button, FormControl, FormLabel } from '@govtechsg/sgds-react';
import { ActionForm, Cancel, Hidden, Problem, type FormContext } from './form-parts.js';
import { Layout, Notice } from './layout.js';
import { PasskeyForm } from './passkey-form.js';
import { PolicyLinks } from './policy-pages.js';

export type { FormContext } from './form-parts.js';

export function IdentifyPage({
  f,
  login,
  problem,
  passkey,
  federationFailure,
  signUpHref,
}: {
  f: FormContext;
  login?: string | undefined;
  /** "Don't have an account? Sign up" (the application's client id in its query). */
  signUpHref?: string | undefined;
  problem?: string | undefined;
  /** "Sign in with a passkey": the WebAuthn options and the page's script nonce. */
  passkey?: { options: unknown; nonce: string } | undefined;
  /** The integrated provider's last answer was not accepted. */
  federationFailure?: { provider: string; reason: string; correlationId: string } | undefined;
}) {
  return (
    <Layout title="Sign in">
      <h1>Sign in</h1>
      <p className="tp-sub">to continue to {f.applicationName}</p>
      <Problem message={problem} />
      {federationFailure ? (
        <Notice variant="danger">
          {(FEDERATION_FAILURES[federationFailure.reason] ?? FEDERATION_FAILURES.invalid_response!)(federationFailure.provider)} Try again, or contact
          the TechPass team with the reference <span data-testid="federation-correlation-id">{federationFailure.correlationId}</span>.
        </Notice>
      ) : null}
      <form method="post" action={`${f.action}/identify`}>
        <Hidden csrf={f.csrf} />
        <FormLabel htmlFor="login">TechPass ID</FormLabel>
        <FormControl
          id="login"
          name="login"
          type="text"
          autoComplete="username"
          required
          autoFocus
          defaultValue={login ?? ''}
          placeholder="name@agency.gov.sg or your username"
        />
        <div className="tp-actions">
          <Button type="submit" variant="primary">
            Next
          </Button>
        </div>
      </form>
      {passkey ? (
        <PasskeyForm
          f={f}
          step="passkey-sign-in"
          options={passkey.options}
          mode="sign-in"
          nonce={passkey.nonce}
          label="Sign in with a passkey"
          variant="outline-primary"
        />
      ) : null}
      <p className="tp-meta">
        {signUpHref ? (
          <>
            Don’t have an account? <a href={signUpHref}>Sign up</a>, or ask a colleague who uses TechPass to invite you.{' '}
          </>
        ) : (
          'No TechPass account? Ask your project manager to invite you. '
        )}
        <a href="/login/reset">Forgot your password?</a> <a href="/login/change-password">Change your password</a>
      </p>
      <Cancel f={f} />
      <PolicyLinks />
    </Layout>
  );
}

export function PasswordPage({ f, login, problem }: { f: FormContext; login: string; problem?: string | undefined }) {
  return (
    <Layout title="Enter password">
      <h1>Enter password</h1>
      <p className="tp-sub">{login}</p>
      <Problem message={problem} />
      <form method="post" action={`${f.action}/password`}>
        <Hidden csrf={f.csrf} />
        <input type="text" name="username" value={login} autoComplete="username" readOnly hidden />
        <FormLabel htmlFor="password">Password</FormLabel>
        <FormControl id="password" name="password" type="password" autoComplete="current-password" required autoFocus />
        <div className="tp-actions">
          <Button type="submit" variant="primary">
            Sign in
          </Button>
          <a href={`/login/reset?login=${encodeURIComponent(login)}`}>Forgot your password?</a>
        </div>
      </form>
      <form method="post" action={`${f.action}/another`}>
        <Hidden csrf={f.csrf} />
        <button type="submit" className="tp-link">
          Sign in with another account
        </button>
      </form>
      <Cancel f={f} />
    </Layout>
  );
}

export interface PickerAccount {
  ref: string;
  name: string;
  techpassId: string;
  live: boolean;
}

export function PickerPage({ f, accounts, problem }: { f: FormContext; accounts: PickerAccount[]; problem?: string | undefined }) {
  return (
    <Layout title="Choose an account">
      <h1>Choose an account</h1>
      <p className="tp-sub">to continue to {f.applicationName}</p>
      <Problem message={problem} />
      <ul className="tp-accounts">
        {accounts.map((a) => (
          <li key={a.ref}>
            <form method="post" action={`${f.action}/pick`} style={{ flex: 1 }}>
              <Hidden csrf={f.csrf} />
              <input type="hidden" name="ref" value={a.ref} />
              <button type="submit" className="tp-account" aria-label={`Continue as ${a.techpassId}`}>
                <span className="tp-avatar" aria-hidden="true">
                  {a.name.slice(0, 1).toUpperCase()}
                </span>
                <span>
                  <span className="tp-account-name">{a.name}</span>
                  <span className="tp-account-id">{a.techpassId}</span>
                  <span className="tp-account-state">{a.live ? 'Signed in' : 'Signed out'}</span>
                </span>
              </button>
            </form>
            <form method="post" action={`${f.action}/forget`}>
              <Hidden csrf={f.csrf} />
              <input type="hidden" name="ref" value={a.ref} />
              <button type="submit" className="tp-link" aria-label={`Forget ${a.techpassId}`}>
                Forget
              </button>
            </form>
          </li>
        ))}
      </ul>
      <form method="post" action={`${f.action}/another`}>
        <Hidden csrf={f.csrf} />
        <Button type="submit" variant="outline-primary">
          Use another account
        </Button>
      </form>
      <Cancel f={f} />
    </Layout>
  );
}

export function TermsPage({ f, version }: { f: FormContext; version: number }) {
  return (
    <Layout title="Terms of use" wide>
      <h1>Terms of use</h1>
      <p className="tp-sub">
        Before you use {f.applicationName} for the first time, please read and accept its terms (version {version}).
      </p>
      <div className="tp-terms" tabIndex={0}>
        <p>
          {f.applicationName} is a service of the Singapore Government Tech Stack. You may use it only for authorised government work. Your sign-ins
          and actions are recorded and may be reviewed.
        </p>
        <p>
          You must keep your TechPass credentials and your authenticator to yourself, report any sign-in you did not start, and follow the Privacy
          Policy and the Terms of Use of TechPass.
        </p>
      </div>
      <form method="post" action={`${f.action}/terms`}>
        <Hidden csrf={f.csrf} />
        <div className="tp-actions">
          <Button type="submit" variant="primary">
            Accept and continue
          </Button>
        </div>
      </form>
      <Cancel f={f} />
    </Layout>
  );
}

/** Why an integrated provider's answer was not accepted, in words (the log has the detail). */
const FEDERATION_FAILURES: Record<string, (provider: string) => string> = {
  upstream_error: (p) => `${p} did not sign you in (it was cancelled or refused there).`,
  upstream_unreachable: (p) => `${p} could not be reached, so you were not signed in.`,
  invalid_response: (p) => `The answer from ${p} could not be verified, so you were not signed in.`,
  unusable_identity: (p) => `${p} did not say which TechPass account is yours (no usable e-mail in its answer).`,
  identity_conflict: (p) => `Your TechPass account is already linked to another ${p} account.`,
};

/** Sent to the person's integrated provider and back here (the Back button, a reload): go there again, or use another account. */
export function FederatingPage({ f, provider, login }: { f: FormContext; provider: string; login: string }) {
  return (
    <Layout title={`Sign in with ${provider}`}>
      <h1>Sign in with {provider}</h1>
      <p className="tp-sub">
        {login} signs in to {f.applicationName} through {provider}, then confirms with TechPass.
      </p>
      <ActionForm f={f} step="federate" label={`Continue to ${provider}`} />
      <ActionForm f={f} step="another" label="Use another account" variant="outline-primary" />
      <Cancel f={f} />
    </Layout>
  );
}

const REFUSALS: Record<string, { title: string; text: (app: string) => string }> = {
  not_assigned: {
    title: 'You do not have access',
    text: (app) => `You have not been given access to ${app}. Ask the application's administrator to assign you to it.`,
  },
  sign_in_disabled: {
    title: 'Sign-in is turned off',
    text: (app) => `Sign-in to ${app} is turned off by its administrator. Try again later or contact the application's team.`,
  },
  locked: {
    title: 'Your account is locked',
    text: () => 'Your account was locked after too many wrong passwords. Reset your password to unlock it.',
  },
  federation_unavailable: {
    title: 'Use your organisation’s sign-in',
    text: () =>
      'Accounts of your organisation sign in through its own identity provider, and sign-in through it is turned off at the moment. Try again later, or contact the TechPass team.',
  },
  no_account: {
    title: 'You do not have a TechPass account yet',
    text: () =>
      'Your organisation signed you in, but no TechPass account belongs to you yet, and TechPass does not create one without asking. Ask a colleague who uses TechPass (or your project manager) to invite you, or sign up, then sign in again.',
  },
  account_pending: {
    title: 'Finish setting up your account first',
    text: () =>
      'Your TechPass account is not set up yet. Finish setting up your account first: follow the link in your onboarding e-mail, then sign in again.',
  },
  account_inactive: {
    title: 'Your account cannot sign in',
    text: () => 'Your account is not active. Contact the TechPass team or your administrator.',
  },
  reported: {
    title: 'This account is under review',
    text: () =>
      'A sign-in to this account was reported as not started by its owner, so the account is blocked while the security team investigates. Check your e-mail, or contact the TechPass team.',
  },
  throttled: {
    title: 'Too many attempts',
    text: () => 'There were too many failed sign-ins from your network. Wait 15 minutes, then try again, or reset your password.',
  },
};

export function RefusedPage({ f, refusal, correlationId }: { f: FormContext; refusal: string; correlationId: string }) {
  const r = REFUSALS[refusal] ?? { title: 'Sign-in refused', text: () => 'This sign-in cannot continue.' };
  return (
    <Layout title={r.title}>
      <h1>{r.title}</h1>
      <Notice variant="warning">{r.text(f.applicationName)}</Notice>
      {refusal === 'locked' || refusal === 'throttled' ? (
        <p>
          <a href="/login/reset">Reset your password</a>
        </p>
      ) : null}
      <form method="post" action={`${f.action}/abort`}>
        <Hidden csrf={f.csrf} />
        <Button type="submit" variant="outline-primary">
          Return to {f.applicationName}
        </Button>
      </form>
      <p className="tp-meta">Correlation id: {correlationId}</p>
    </Layout>
  );
}

/** The page needs something made again (another tab moved the sign-in, or a code expired): one button does it. */
export function ResumePage({ f }: { f: FormContext }) {
  return (
    <Layout title="Continue signing in">
      <h1>Continue signing in</h1>
      <p className="tp-sub">This page was out of date or its code expired. Continue to pick up where you left off.</p>
      <ActionForm f={f} step="resume" label="Continue" />
      <Cancel f={f} />
    </Layout>
  );
}

const ERRORS: Record<string, string> = {
  invalid_client: 'The application that sent you here is not registered with TechPass.',
  invalid_redirect_uri: 'The application sent you here with a return address it has not registered, so TechPass will not send you back to it.',
  invalid_request: 'The application sent an incomplete or invalid sign-in request.',
  session_not_found: 'This sign-in has expired. Go back to the application and start again.',
  expired: 'This sign-in has expired. Go back to the application and start again.',
};

export function ErrorPage({
  error,
  description,
  correlationId,
}: {
  error: string;
  description?: string | undefined;
  correlationId?: string | undefined;
}) {
  return (
    <Layout title="Something went wrong">
      <h1>Sign-in cannot continue</h1>
      <Notice variant="danger">{ERRORS[error] ?? 'TechPass could not complete this request.'}</Notice>
      <p>
        <strong>{error}</strong>
        {description ? `: ${description}` : ''}
      </p>
      <p className="tp-meta">If you contact support, quote the correlation id: {correlationId || 'not available'}</p>
    </Layout>
  );
}

export function SignOutConfirmPage({ form, applicationName }: { form: string; applicationName?: string | undefined }) {
  return (
    <Layout title="Sign out">
      <h1>Sign out of TechPass?</h1>
      <p className="tp-sub">
        {applicationName
          ? `${applicationName} asked to sign you out.`
          : 'You will be signed out of every application that uses TechPass in this browser.'}
      </p>
      <div dangerouslySetInnerHTML={{ __html: form }} />
      <div className="tp-actions">
        <Button type="submit" variant="primary" form="op.logoutForm" name="logout" value="yes" autoFocus>
          Yes, sign me out
        </Button>
        <Button type="submit" form="op.logoutForm" variant="outline-primary">
          No, stay signed in
        </Button>
      </div>
    </Layout>
  );
}

export function SignedOutPage({ applicationName }: { applicationName?: string | undefined }) {
  return (
    <Layout title="Signed out">
      <h1>You are signed out</h1>
      <p className="tp-sub">{applicationName ? `You have signed out of ${applicationName} and TechPass.` : 'You have signed out of TechPass.'}</p>
      <p>You can close this window.</p>
    </Layout>
  );
}
