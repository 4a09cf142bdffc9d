/**
 * The device authorization grant's pages (RFC 8628), rendered for the provider
 * (oidc/device-flow.ts): enter the code a terminal shows, confirm it is the code
 * the terminal shows, and the end. Forms post to the provider's own endpoint with
 * its CSRF field (`xsrf`); no script, so the page policy's CSP holds.
 */
import { Button, FormControl, FormLabel } from '@govtechsg/sgds-react';
import { Layout, Notice, renderPage } from './layout.js';

/** Why the code page is shown again. */
export type DeviceCodeProblem = 'not_found' | 'expired' | 'used' | 'aborted' | 'missing' | 'throttled' | 'failed';

const PROBLEMS: Record<DeviceCodeProblem, string> = {
  not_found: 'That code is not right. Check the code your terminal shows and type it again.',
  expired: 'That code has expired. Run the command again (for example techpass login) to get a new code.',
  used: 'That code has already been used. Run the command again to get a new code.',
  aborted: 'The sign-in was cancelled. Your terminal is told it was refused; run the command again to retry.',
  missing: 'Type the code your terminal shows.',
  throttled: 'Too many wrong codes from this address. Wait a few minutes, then try again.',
  failed: 'TechPass could not check this code. Try again.',
};

export interface DeviceForm {
  action: string;
  xsrf: string;
}

function DeviceCodeInputPage({
  form,
  code,
  problem,
}: {
  form?: DeviceForm | undefined;
  code?: string | undefined;
  problem?: DeviceCodeProblem | undefined;
}) {
  return (
    <Layout title="Sign in on a device">
      <h1>Sign in on a device</h1>
      <p className="tp-sub">
        Enter the code shown by your terminal or device (for example by <code>techpass login</code>).
      </p>
      {problem ? (
        <div data-testid="device-problem" data-problem={problem}>
          <Notice variant={problem === 'aborted' ? 'info' : 'danger'}>{PROBLEMS[problem]}</Notice>
        </div>
      ) : null}
      {form ? <CodeForm form={form} code={code} /> : null}
    </Layout>
  );
}

function CodeForm({ form, code }: { form: DeviceForm; code?: string | undefined }) {
  return (
    <form method="post" action={form.action}>
      <input type="hidden" name="xsrf" value={form.xsrf} />
      <FormLabel htmlFor="user_code">Code</FormLabel>
      <FormControl
        id="user_code"
        name="user_code"
        type="text"
        defaultValue={code ?? ''}
        placeholder="XXXX-XXXX"
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        maxLength={20}
        required
        autoFocus
      />
      <div className="tp-actions">
        <Button type="submit" variant="primary">
          Continue
        </Button>
      </div>
    </form>
  );
}

function DeviceCodeConfirmPage({ form, code, applicationName }: { form: DeviceForm; code: string; applicationName: string }) {
  return (
    <Layout title="Confirm the code">
      <h1>Is this the code on your terminal?</h1>
      <p className="tp-sub">
        <strong>{applicationName}</strong> asks to act as you. Continue only if you started it yourself and your terminal shows this code:
      </p>
      <p className="tp-code" data-testid="device-code">
        <code>{code}</code>
      </p>
      <form method="post" action={form.action}>
        <input type="hidden" name="xsrf" value={form.xsrf} />
        <input type="hidden" name="user_code" value={code} />
        <div className="tp-actions">
          <Button type="submit" variant="primary" name="confirm" value="yes" autoFocus>
            Yes, sign in
          </Button>
          <Button type="submit" variant="outline-primary" name="abort" value="yes">
            No, cancel
          </Button>
        </div>
      </form>
      <p className="tp-meta">If you did not start this, or the code differs, choose cancel: someone may be trying to use your account.</p>
    </Layout>
  );
}

function DeviceSuccessPage({ applicationName }: { applicationName: string }) {
  return (
    <Layout title="Signed in">
      <h1>Your terminal is signed in</h1>
      <p className="tp-sub" data-testid="device-success">
        {applicationName} is signed in as you. You can close this window and go back to your terminal.
      </p>
    </Layout>
  );
}

export const devicePages = {
  codeInput: (input: { form?: DeviceForm | undefined; code?: string | undefined; problem?: DeviceCodeProblem | undefined }) =>
    renderPage(DeviceCodeInputPage(input)),
  codeConfirm: (input: { form: DeviceForm; code: string; applicationName: string }) => renderPage(DeviceCodeConfirmPage(input)),
  success: (input: { applicationName: string }) => renderPage(DeviceSuccessPage(input)),
};
