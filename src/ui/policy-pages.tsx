/**
 * The platform's Privacy Policy and Terms of Use: their public pages
 * (/policies/privacy, /policies/terms) and the sign-in step that asks to accept
 * them after MFA (a new version, or onboarding).
 */
import { Button } from '@govtechsg/sgds-react';
import { Hidden, LinkForm, Problem, type FormContext } from './form-parts.js';
import { Layout } from './layout.js';

export const PRIVACY_PATH = '/policies/privacy';
export const TERMS_PATH = '/policies/terms';

/** Links to both policies, for the foot of the sign-in, sign-up and onboarding pages. */
export function PolicyLinks() {
  return (
    <p className="tp-meta">
      <a href={PRIVACY_PATH}>Privacy Policy</a> · <a href={TERMS_PATH}>Terms of Use</a>
    </p>
  );
}

/** A policy's text (plain text: paragraphs separated by empty lines) with its version. */
export function PolicyDocumentPage({ title, version, text }: { title: string; version: number; text: string }) {
  const paragraphs = text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
  return (
    <Layout title={title} wide>
      <h1>TechPass {title}</h1>
      <p className="tp-sub" data-testid="policy-version">
        Version {version}
      </p>
      {paragraphs.map((p, i) => (
        <p key={i}>{p}</p>
      ))}
    </Layout>
  );
}

export function PoliciesPage({
  f,
  privacy,
  terms,
  onboarding,
  problem,
}: {
  f: FormContext;
  privacy: number;
  terms: number;
  onboarding: boolean;
  problem?: string | undefined;
}) {
  return (
    <Layout title="Privacy Policy and Terms of Use" wide>
      <h1>{onboarding ? 'Accept the Privacy Policy and Terms of Use' : 'Accept the updated Privacy Policy and Terms of Use'}</h1>
      <p className="tp-sub">
        {onboarding
          ? 'One last step: read and accept the TechPass Privacy Policy and Terms of Use. Your account becomes active when you accept them.'
          : 'The TechPass Privacy Policy or Terms of Use changed since you last accepted them. Read and accept them to continue.'}
      </p>
      <Problem message={problem} />
      <ul>
        <li>
          <a href={PRIVACY_PATH} target="_blank" rel="noopener">
            Privacy Policy
          </a>{' '}
          (version {privacy})
        </li>
        <li>
          <a href={TERMS_PATH} target="_blank" rel="noopener">
            Terms of Use
          </a>{' '}
          (version {terms})
        </li>
      </ul>
      <form method="post" action={`${f.action}/policies`}>
        <Hidden csrf={f.csrf} />
        <div className="form-check">
          <input className="form-check-input" type="checkbox" id="accept" name="accept" value="yes" required />
          <label className="form-check-label" htmlFor="accept">
            I have read and accept the TechPass Privacy Policy and Terms of Use.
          </label>
        </div>
        <div className="tp-actions">
          <Button type="submit" variant="primary">
            Accept and continue
          </Button>
        </div>
      </form>
      <LinkForm f={f} step="abort">
        Decline (you will not be signed in to {f.applicationName})
      </LinkForm>
    </Layout>
  );
}
