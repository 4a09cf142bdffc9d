/**
 * Getting an account (issue 18): the sign-up page with its "not a robot" check
 * (the ALTCHA widget, served from this origin), "check your mail", and the pages
 * of an onboarding link. Forms carry a CSRF token; every error says what to do.
 */
import { Button, FormControl, FormLabel } from '@govtechsg/sgds-react';
import { createElement } from 'react';
import { Problem } from './form-parts.js';
import { Layout, Notice } from './layout.js';
import { PolicyLinks } from './policy-pages.js';

export const ALTCHA_ASSETS = '/login/assets/altcha';

export function SignUpPage({
  csrf,
  email,
  problem,
  challenge,
  nonce,
  clientId,
}: {
  csrf: string;
  email?: string | undefined;
  problem?: string | undefined;
  /** The proof-of-work challenge (JSON) the widget solves in the browser. */
  challenge: string;
  nonce: string;
  clientId?: string | undefined;
}) {
  return (
    <Layout title="Sign up">
      <h1>Sign up for TechPass</h1>
      <p className="tp-sub">Public officers sign up with their organisational e-mail address.</p>
      <Problem message={problem} />
      <form method="post" action="/signup" id="sign-up">
        <input type="hidden" name="csrf" value={csrf} />
        {clientId ? <input type="hidden" name="client_id" value={clientId} /> : null}
        <FormLabel htmlFor="email">Organisational e-mail</FormLabel>
        <FormControl
          id="email"
          name="email"
          type="email"
          autoComplete="email"
          required
          autoFocus
          defaultValue={email ?? ''}
          placeholder="name@agency.gov.sg"
        />
        <div className="tp-altcha">
          {createElement('altcha-widget', {
            challengejson: challenge,
            name: 'altcha',
            auto: 'onload',
            hidefooter: true,
          })}
          <noscript>The “I’m not a robot” check needs JavaScript: turn it on for this page.</noscript>
        </div>
        <div className="tp-actions">
          <Button type="submit" variant="primary">
            Sign up
          </Button>
        </div>
      </form>
      <link rel="stylesheet" href={`${ALTCHA_ASSETS}/altcha.css`} />
      <script nonce={nonce} type="module" src={`${ALTCHA_ASSETS}/altcha.js`} />
      <p className="tp-meta">
        By signing up you agree to the TechPass Privacy Policy and Terms of Use; you accept them when you finish setting up your account.
      </p>
      <PolicyLinks />
    </Layout>
  );
}

export function SignUpSentPage({ email, ttlDays, outbox }: { email: string; ttlDays: number; outbox?: string | undefined }) {
  return (
    <Layout title="Check your mail">
      <h1>Check your mail</h1>
      <p className="tp-sub" data-testid="sign-up-sent">
        We sent a mail to <strong>{email}</strong>. Open the link in it within {ttlDays} days to finish setting up your TechPass account.
      </p>
      <p>If you already have a TechPass account, the mail says so instead: sign in with it.</p>
      <p>No mail after a few minutes? Check your junk folder, or sign up again: a new link replaces the earlier one.</p>
      {outbox ? (
        <Notice variant="info">
          This TechPass runs in demo mode: its mail stays in the <a href={outbox}>local outbox</a>.
        </Notice>
      ) : null}
      <PolicyLinks />
    </Layout>
  );
}

export interface OnboardingPageView {
  techpassId: string;
  givenName: string;
  /** When the link stops working, in words. */
  expires: string;
  setsPassword: boolean;
  provider: string | null;
}

export function OnboardingPage({ csrf, action, view, problem }: { csrf: string; action: string; view: OnboardingPageView; problem?: string | undefined }) {
  return (
    <Layout title="Finish setting up your account">
      <h1>Finish setting up your account</h1>
      <p className="tp-sub">
        Your TechPass ID is <strong data-testid="onboarding-techpass-id">{view.techpassId}</strong>. This link works until {view.expires}.
      </p>
      <Problem message={problem} />
      <ol>
        <li>{view.provider ? `Sign in with your ${view.provider} account.` : 'Choose a password for TechPass, then sign in with it.'}</li>
        <li>Set up a second factor (an authenticator app, the TechPass Authenticator or a passkey).</li>
        <li>Accept the TechPass Privacy Policy and Terms of Use. Your account is then active.</li>
      </ol>
      <form method="post" action={action}>
        <input type="hidden" name="csrf" value={csrf} />
        {view.setsPassword ? (
          <>
            <input type="text" name="username" value={view.techpassId} autoComplete="username" readOnly hidden />
            <FormLabel htmlFor="password">New password (at least 12 characters)</FormLabel>
            <FormControl id="password" name="password" type="password" autoComplete="new-password" required />
            <FormLabel htmlFor="confirm">Type it again</FormLabel>
            <FormControl id="confirm" name="confirm" type="password" autoComplete="new-password" required />
          </>
        ) : null}
        <div className="tp-actions">
          <Button type="submit" variant="primary">
            Continue
          </Button>
        </div>
      </form>
      <p className="tp-meta">This link works in this browser only once you continue: finish in the same browser.</p>
      <PolicyLinks />
    </Layout>
  );
}

const LINK_PROBLEMS: Record<string, { title: string; text: string }> = {
  unknown: { title: 'This link does not work', text: 'This onboarding link is not complete or not valid. Copy the whole link from the mail, or sign up again.' },
  used: { title: 'This link was already used', text: 'Your account is already set up with this link. Sign in with your TechPass ID.' },
  replaced: { title: 'This link was replaced', text: 'A newer onboarding link was sent after this one: use the link in the newest mail, or sign up again.' },
  expired: { title: 'This link has expired', text: 'Onboarding links work for a limited time. Sign up again to get a new link.' },
  other_browser: {
    title: 'This link was opened in another browser',
    text: 'For your safety, an onboarding link works in the first browser that continues with it. Finish there, or sign up again for a new link.',
  },
};

export function OnboardingLinkProblemPage({ problem }: { problem: string }) {
  const words = LINK_PROBLEMS[problem] ?? LINK_PROBLEMS.unknown!;
  return (
    <Layout title={words.title}>
      <h1>{words.title}</h1>
      <p className="tp-sub" data-testid="onboarding-problem">
        {words.text}
      </p>
      <div className="tp-actions">
        <a className="btn btn-primary" href="/signup">
          Sign up again
        </a>
      </div>
      <PolicyLinks />
    </Layout>
  );
}

export function OnboardingReadyPage({ techpassId, continueTo, applicationName }: { techpassId: string; continueTo: string | null; applicationName: string | null }) {
  return (
    <Layout title="Sign in to finish">
      <h1>Now sign in</h1>
      <p className="tp-sub">
        Sign in as <strong>{techpassId}</strong> from this browser
        {applicationName ? ` to ${applicationName}` : ' to the application you use with TechPass'}: TechPass then asks you to set up a second factor and
        to accept the Privacy Policy and Terms of Use, and your account becomes active.
      </p>
      {continueTo ? (
        <div className="tp-actions">
          <a className="btn btn-primary" href={continueTo} data-testid="onboarding-continue">
            Continue to {applicationName ?? 'the application'}
          </a>
        </div>
      ) : null}
      <PolicyLinks />
    </Layout>
  );
}
