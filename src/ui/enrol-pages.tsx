/**
 * The enrol step's pages: setting up the TechPass Authenticator (a one-time link
 * as a QR code, watched until the phone has added the account), an
 * authenticator app (TOTP) or a passkey, with the other methods one tap away.
 */
import { FormControl, FormLabel } from '@govtechsg/sgds-react';
import { FACTOR_NAMES, type SecondFactorId } from '../contracts/factors.js';
import type { ReactNode } from 'react';
import { Watcher } from './factor-pages.js';
import { PasskeyForm } from './passkey-form.js';
import { ActionForm, Cancel, LinkForm, Problem, type FormContext } from './form-parts.js';
import { Layout } from './layout.js';

export interface EnrolChoices {
  current: SecondFactorId;
  methods: SecondFactorId[];
  /** The sign-in may finish without enrolling ("Not now"). */
  skippable: boolean;
}

function EnrolFrame({
  f,
  title,
  lead,
  problem,
  choices,
  children,
}: {
  f: FormContext;
  title: string;
  lead: string;
  problem?: string | undefined;
  choices: EnrolChoices;
  children: ReactNode;
}) {
  return (
    <Layout title={title} wide>
      <h1>{title}</h1>
      <p className="tp-sub">
        {choices.skippable
          ? 'Add a new second factor to your account. '
          : 'Every TechPass sign-in needs a second factor, and your account has none yet. '}
        {lead}
      </p>
      <Problem message={problem} />
      {children}
      <div className="tp-other-methods">
        {choices.methods
          .filter((m) => m !== choices.current)
          .map((m) => (
            <LinkForm f={f} step="enrol-choose" fields={{ method: m }} key={m}>
              {FACTOR_NAMES[m].enrolInstead}
            </LinkForm>
          ))}
        {choices.skippable ? (
          <LinkForm f={f} step="enrol-skip">
            Not now, continue to {f.applicationName}
          </LinkForm>
        ) : null}
      </div>
      <Cancel f={f} />
    </Layout>
  );
}

/** Enrolling the TechPass Authenticator: the phone opens the one-time link (QR code), then a push prompt proves it. */
export function EnrolAuthenticatorPage({
  f,
  qr,
  link,
  problem,
  choices,
  nonce,
}: {
  f: FormContext;
  qr: string;
  link: string;
  problem?: string | undefined;
  choices: EnrolChoices;
  nonce: string;
}) {
  return (
    <EnrolFrame
      f={f}
      title="Set up the TechPass Authenticator"
      lead="Scan this code with your phone's camera. It opens the TechPass Authenticator, which adds your account to the phone. Then come back here."
      problem={problem}
      choices={choices}
    >
      <div className="tp-qr" role="img" aria-label="QR code that opens the TechPass Authenticator" dangerouslySetInnerHTML={{ __html: qr }} />
      <p>
        Cannot scan? Open this link on your phone (it works once, for 10 minutes):{' '}
        <a href={link} data-testid="enrolment-link" rel="noreferrer">
          {link}
        </a>
      </p>
      <ActionForm f={f} step="enrol-authenticator" id="tp-enrol-continue" label="Continue" />
      <Watcher nonce={nonce} statusUrl={`${f.action}/enrol-status`} formId="tp-enrol-continue" done={['enrolled']} />
    </EnrolFrame>
  );
}

export function EnrolTotpPage({
  f,
  qr,
  seed,
  problem,
  choices,
}: {
  f: FormContext;
  qr: string;
  seed: string;
  problem?: string | undefined;
  choices: EnrolChoices;
}) {
  return (
    <EnrolFrame
      f={f}
      title="Set up your authenticator app"
      lead="Scan this code with an authenticator app (such as Microsoft or Google Authenticator), then enter the 6-digit code it shows."
      problem={problem}
      choices={choices}
    >
      <div className="tp-qr" role="img" aria-label="QR code for your authenticator app" dangerouslySetInnerHTML={{ __html: qr }} />
      <p>
        Cannot scan? Enter this key in the app:{' '}
        <code className="tp-seed" data-testid="totp-seed">
          {seed.match(/.{1,4}/g)?.join(' ')}
        </code>
      </p>
      <ActionForm f={f} step="enrol-totp" label="Verify and continue">
        <FormLabel htmlFor="code">Code from the app</FormLabel>
        <FormControl id="code" name="code" type="text" inputMode="numeric" pattern="[0-9 ]{6,7}" autoComplete="one-time-code" required autoFocus />
      </ActionForm>
    </EnrolFrame>
  );
}

export function EnrolPasskeyPage({
  f,
  problem,
  choices,
  options,
  nonce,
}: {
  f: FormContext;
  problem?: string | undefined;
  choices: EnrolChoices;
  options: unknown;
  nonce: string;
}) {
  return (
    <EnrolFrame
      f={f}
      title="Create a passkey"
      lead="A passkey lets you confirm it is you with your fingerprint, face, screen lock or a security key, and cannot be phished."
      problem={problem}
      choices={choices}
    >
      <PasskeyForm f={f} step="enrol-passkey" options={options} mode="register" nonce={nonce} label="Create passkey">
        <FormLabel htmlFor="passkey-name">Name this passkey</FormLabel>
        <FormControl id="passkey-name" name="name" type="text" maxLength={60} defaultValue="Passkey" />
      </PasskeyForm>
    </EnrolFrame>
  );
}
