/** Invitation pages: an officer invites someone (/login/invite); the invitee registers (/login/register/<token>). */
import { Button } from '@govtechsg/sgds-react';
import type { ReactNode } from 'react';
import { Layout, Notice } from './layout.js';

const utc = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

export interface InviterChoice {
  ref: string;
  techpassId: string;
  name: string;
  mayInvite: boolean;
}

export interface InviteSent {
  email: string;
  path: 'registration' | 'onboarding';
  expiresAt: number | null;
}

export function InvitePage({
  csrf,
  accounts,
  email,
  problem,
  sent,
}: {
  csrf: string;
  accounts: InviterChoice[];
  email?: string | undefined;
  problem?: string | undefined;
  sent?: InviteSent | undefined;
}) {
  const inviters = accounts.filter((a) => a.mayInvite);
  return (
    <Layout title="Invite someone">
      <h1>Invite someone to TechPass</h1>
      {sent ? (
        <Notice variant="success">
          <span data-testid="invite-sent">
            {sent.path === 'registration'
              ? `We e-mailed ${sent.email} a registration link${sent.expiresAt ? `, which works until ${utc(sent.expiresAt)}` : ''}. You will be told when they register, or if the link expires.`
              : `${sent.email} now has a pending account; we e-mailed them how to finish setting it up${sent.expiresAt ? ` (the link works until ${utc(sent.expiresAt)})` : ''}.`}
          </span>
        </Notice>
      ) : null}
      {problem ? <Notice variant="danger">{problem}</Notice> : null}
      {accounts.length === 0 ? (
        <p data-testid="sign-in-first">
          Sign in first, with your second factor, as the public officer who invites (through any application that uses TechPass), then come back to
          this page.
        </p>
      ) : inviters.length === 0 ? (
        <p data-testid="may-not-invite">
          Only an active public officer may invite. You are signed in as {accounts.map((a) => a.techpassId).join(', ')}.
        </p>
      ) : (
        <form method="post" action="/login/invite">
          <input type="hidden" name="csrf" value={csrf} />
          <p className="tp-sub">
            Someone whose organisation signs in with TechPass gets their account at once; anyone else gets a registration link by e-mail.
          </p>
          {inviters.length === 1 ? (
            <>
              <input type="hidden" name="ref" value={inviters[0]!.ref} />
              <p>
                Inviting as <strong>{inviters[0]!.techpassId}</strong>
              </p>
            </>
          ) : (
            <>
              <label className="form-label" htmlFor="ref">
                Invite as
              </label>
              <select className="form-select" id="ref" name="ref">
                {inviters.map((a) => (
                  <option value={a.ref} key={a.ref}>
                    {a.name} ({a.techpassId})
                  </option>
                ))}
              </select>
            </>
          )}
          <label className="form-label mt-3" htmlFor="email">
            E-mail address of the person to invite
          </label>
          <input className="form-control" id="email" name="email" type="email" required autoFocus defaultValue={email ?? ''} />
          <div className="tp-actions">
            <Button type="submit" variant="primary">
              Send invitation
            </Button>
          </div>
        </form>
      )}
    </Layout>
  );
}

type Values = Partial<Record<string, string>>;

function Field({
  name,
  label,
  values,
  problems,
  type = 'text',
  autoComplete,
  hint,
  children,
}: {
  name: string;
  label: string;
  values: Values;
  problems: Values;
  type?: string;
  autoComplete?: string;
  hint?: ReactNode;
  children?: ReactNode;
}) {
  const problem = problems[name];
  return (
    <div className="mt-3">
      <label className="form-label" htmlFor={name}>
        {label}
      </label>
      {children ?? (
        <input
          className={`form-control${problem ? ' is-invalid' : ''}`}
          id={name}
          name={name}
          type={type}
          autoComplete={autoComplete}
          defaultValue={type === 'password' ? undefined : (values[name] ?? '')}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? `${name}-problem` : undefined}
        />
      )}
      {hint ? <div className="form-text">{hint}</div> : null}
      {problem ? (
        <div className="invalid-feedback d-block" id={`${name}-problem`} data-testid={`problem-${name}`}>
          {problem}
        </div>
      ) : null}
    </div>
  );
}

export function RegistrationFormPage({
  csrf,
  action,
  email,
  localIdDomain,
  expiresAt,
  inviter,
  values,
  problems,
  problem,
}: {
  csrf: string;
  action: string;
  email: string;
  localIdDomain: string;
  expiresAt: number;
  inviter: { name: string; email: string } | null;
  values: Values;
  problems: Values;
  problem?: string | undefined;
}) {
  const offshore = values.businessOperation === 'offshore';
  return (
    <Layout title="Register for TechPass" wide>
      <h1>Register for TechPass</h1>
      <p className="tp-sub">
        {inviter ? `${inviter.name} (${inviter.email}) invited ${email}. ` : `Registration for ${email}. `}
        This link works once, until {utc(expiresAt)}.
      </p>
      {problem ? <Notice variant="danger">{problem}</Notice> : null}
      {Object.keys(problems).length ? <Notice variant="danger">Please correct the fields marked below.</Notice> : null}
      <form method="post" action={action}>
        <input type="hidden" name="csrf" value={csrf} />
        <Field
          name="username"
          label="Username"
          values={values}
          problems={problems}
          autoComplete="username"
          hint={`Your TechPass ID will read username@${localIdDomain}. Mail still goes to ${email}.`}
        />
        <Field name="givenName" label="First name" values={values} problems={problems} autoComplete="given-name" />
        <Field name="familyName" label="Last name" values={values} problems={problems} autoComplete="family-name" />
        <Field
          name="mobile"
          label="Mobile number"
          values={values}
          problems={problems}
          type="tel"
          autoComplete="tel"
          hint="With its country code, e.g. +65 9123 4567."
        />
        <Field name="department" label="Department" values={values} problems={problems} autoComplete="organization-title" />
        <Field name="businessOperation" label="Business operation" values={values} problems={problems}>
          <div>
            {(['onshore', 'offshore'] as const).map((op) => (
              <div className="form-check form-check-inline" key={op}>
                <input
                  className="form-check-input"
                  type="radio"
                  name="businessOperation"
                  id={`op-${op}`}
                  value={op}
                  defaultChecked={values.businessOperation === op}
                />
                <label className="form-check-label" htmlFor={`op-${op}`}>
                  {op === 'onshore' ? 'Onshore (in Singapore)' : 'Offshore'}
                </label>
              </div>
            ))}
          </div>
        </Field>
        <fieldset className="mt-3">
          <legend className="fs-6">{offshore ? 'Offshore details' : 'Offshore users only'}</legend>
          <Field name="reportingOfficer" label="Reporting officer (e-mail)" values={values} problems={problems} type="email" />
          <Field name="companyAddress" label="Company address" values={values} problems={problems} autoComplete="street-address" />
        </fieldset>
        <Field
          name="password"
          label="Password"
          values={values}
          problems={problems}
          type="password"
          autoComplete="new-password"
          hint="At least 12 characters; not a common password, nor your e-mail or username."
        />
        <Field name="confirm" label="Confirm password" values={values} problems={problems} type="password" autoComplete="new-password" />
        <div className="tp-actions">
          <Button type="submit" variant="primary">
            Register
          </Button>
        </div>
      </form>
    </Layout>
  );
}

export function RegistrationDonePage({ techpassId }: { techpassId: string | null }) {
  return (
    <Layout title="Registration complete">
      <h1>Your registration is complete</h1>
      {techpassId ? (
        <p>
          Your TechPass ID is <strong data-testid="techpass-id">{techpassId}</strong>.
        </p>
      ) : null}
      <p>
        Sign in with it and your password at the application you were asked to use. Your first sign-in sets up a second factor. We have e-mailed you
        the details.
      </p>
    </Layout>
  );
}

const LINK_PAGES = {
  completed: {
    title: 'This link was already used',
    text: 'The registration it was sent for is complete. Sign in with the TechPass ID chosen then; if you forgot your password, use “Forgot your password?” on the sign-in page.',
  },
  replaced: {
    title: 'This link was replaced',
    text: 'A newer invitation was sent to the same address, and only its link works. Use the newest e-mail, or ask the person who invited you.',
  },
  expired: {
    title: 'This link has expired',
    text: 'Registration links work for a few days only. Ask the person who invited you to invite you again.',
  },
  taken: {
    title: 'This address already has an account',
    text: 'A TechPass account was made for this e-mail address another way, so this registration is not needed. Sign in with it; if you have no password, use “Forgot your password?” on the sign-in page.',
  },
  unknown: {
    title: 'This link does not work',
    text: 'Check that you opened the whole link from the e-mail. If it still does not work, ask the person who invited you to invite you again.',
  },
} as const;

export function RegistrationLinkPage({ state }: { state: keyof typeof LINK_PAGES }) {
  const page = LINK_PAGES[state];
  return (
    <Layout title={page.title}>
      <h1 data-testid={`link-${state}`}>{page.title}</h1>
      <p>{page.text}</p>
    </Layout>
  );
}
