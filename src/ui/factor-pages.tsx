/**
 * The second-factor pages: number matching, a TOTP code, a passkey, and the
 * enrol step (TechPass Authenticator, authenticator app, passkey). Scripts run
 * only with the page's nonce: the push and enrol pages watch for the phone and
 * move on by themselves, and passkeys need navigator.credentials. Everything
 * else works without JavaScript.
 */
import { FormControl, FormLabel } from '@govtechsg/sgds-react';
import { FACTOR_NAMES, type SecondFactorId } from '../contracts/factors.js';
import { ASSETS, Layout, Notice } from './layout.js';
import { ActionForm, Cancel, LinkForm, Problem, type FormContext } from './form-parts.js';
import { PasskeyForm } from './passkey-form.js';

export interface FactorChoices {
  /** The factor this page asks for. */
  current: SecondFactorId;
  /** The other enrolled factors the person may use instead. */
  others: SecondFactorId[];
  /** The factor being replaced ("I can't use my phone"), when recovering. */
  recovering?: SecondFactorId | undefined;
}

/** The other ways to verify, and "I can't use my phone", under every factor page. */
function OtherMethods({ f, choices }: { f: FormContext; choices: FactorChoices }) {
  return (
    <div className="tp-other-methods">
      {choices.others.map((m) => (
        <LinkForm f={f} step="choose" fields={{ method: m }} key={m}>
          {FACTOR_NAMES[m].useInstead}
        </LinkForm>
      ))}
      {choices.recovering ? null : (
        <LinkForm f={f} step="recover">
          {`I can't use my ${FACTOR_NAMES[choices.current].held}`}
        </LinkForm>
      )}
    </div>
  );
}

function RecoveryNotice({ choices }: { choices: FactorChoices }) {
  if (!choices.recovering) return null;
  const lost = FACTOR_NAMES[choices.recovering].held;
  return (
    <Notice variant="info">Verify with another method. Once you have, your {lost} is removed from your account and you can set up a new one.</Notice>
  );
}

/**
 * Polls `statusUrl` while the answer is pending, then submits `formId` (the push prompt, the authenticator enrolment):
 * web/sign-in/watcher.js, served from /login/assets/watcher.js; the inline script only tells it what to watch.
 */
export function Watcher({ nonce, statusUrl, formId, done }: { nonce: string; statusUrl: string; formId: string; done: string[] }) {
  const script = `techpassWatch(${JSON.stringify({ statusUrl, formId, done })});`;
  return (
    <>
      <script nonce={nonce} src={`${ASSETS}/watcher.js`} />
      <script nonce={nonce} dangerouslySetInnerHTML={{ __html: script }} />
    </>
  );
}

/**
 * Number matching: the number to type on the phone. Without JavaScript the
 * person presses Continue once they approved; with it, the page watches the
 * prompt and moves on by itself.
 */
export function PushPage({
  f,
  number,
  problem,
  choices,
  nonce,
  watching,
}: {
  f: FormContext;
  number: number | null;
  problem?: string | undefined;
  choices: FactorChoices;
  nonce: string;
  /** Whether the request is still waiting (the page then watches it by itself). */
  watching: boolean;
}) {
  return (
    <Layout title="Approve sign-in">
      <h1>Approve sign-in request</h1>
      <p className="tp-sub">Open the TechPass Authenticator on your phone, enter the number shown below and tap Yes.</p>
      <RecoveryNotice choices={choices} />
      <Problem message={problem} />
      {number !== null ? (
        <p className="tp-number" data-testid="push-number" aria-live="polite">
          {number}
        </p>
      ) : null}
      <ActionForm f={f} step="push" id="tp-push-continue" label="Continue" />
      <LinkForm f={f} step="push-retry">
        Send a new request
      </LinkForm>
      <OtherMethods f={f} choices={choices} />
      <Cancel f={f} />
      {/* Watches the request only while it waits: after a denial or expiry the page stays put until the person acts. */}
      {problem === undefined || watching ? (
        <Watcher nonce={nonce} statusUrl={`${f.action}/push-status`} formId="tp-push-continue" done={['approved', 'denied', 'expired', 'reported']} />
      ) : null}
    </Layout>
  );
}

export function TotpPage({ f, problem, choices }: { f: FormContext; problem?: string | undefined; choices: FactorChoices }) {
  return (
    <Layout title="Enter code">
      <h1>Enter the code</h1>
      <p className="tp-sub">Open your authenticator app and enter the 6-digit code it shows for TechPass.</p>
      <RecoveryNotice choices={choices} />
      <Problem message={problem} />
      <ActionForm f={f} step="totp" label="Verify">
        <FormLabel htmlFor="code">Verification code</FormLabel>
        <FormControl id="code" name="code" type="text" inputMode="numeric" pattern="[0-9 ]{6,7}" autoComplete="one-time-code" required autoFocus />
      </ActionForm>
      <OtherMethods f={f} choices={choices} />
      <Cancel f={f} />
    </Layout>
  );
}

export function PasskeyPage({
  f,
  problem,
  choices,
  options,
  nonce,
}: {
  f: FormContext;
  problem?: string | undefined;
  choices: FactorChoices;
  options: unknown;
  nonce: string;
}) {
  return (
    <Layout title="Use your passkey">
      <h1>Use your passkey</h1>
      <p className="tp-sub">Confirm it is you with the passkey you set up for TechPass: your fingerprint, face, screen lock or security key.</p>
      <RecoveryNotice choices={choices} />
      <Problem message={problem} />
      <PasskeyForm f={f} step="passkey" options={options} mode="sign-in" nonce={nonce} label="Use passkey" />
      <OtherMethods f={f} choices={choices} />
      <Cancel f={f} />
    </Layout>
  );
}
