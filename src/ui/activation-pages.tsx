/**
 * A vendor's first sign-in: the activation code sent by SMS and a new password, on
 * one page. The second factor is set up next (the enrol pages).
 */
import { Button, FormControl, FormLabel } from '@govtechsg/sgds-react';
import { Cancel, Hidden, LinkForm, Problem, type FormContext } from './form-parts.js';
import { Layout } from './layout.js';

export function ActivatePage({ f, login, problem }: { f: FormContext; login: string; problem?: string | undefined }) {
  return (
    <Layout title="Activate your account">
      <h1>Activate your account</h1>
      <p className="tp-sub">{login}</p>
      <p>
        Your account was created by your tenant administrator. Enter the activation code we sent to your mobile by SMS, and choose your password. You
        then set up your second factor.
      </p>
      <Problem message={problem} />
      <form method="post" action={`${f.action}/activate`}>
        <Hidden csrf={f.csrf} />
        <input type="text" name="username" value={login} autoComplete="username" readOnly hidden />
        <FormLabel htmlFor="code">Activation code (from the SMS)</FormLabel>
        <FormControl id="code" name="code" type="text" inputMode="numeric" autoComplete="one-time-code" required autoFocus maxLength={12} />
        <FormLabel htmlFor="password">New password</FormLabel>
        <FormControl
          id="password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={12}
          aria-describedby="password-rules"
        />
        <p id="password-rules" className="tp-meta">
          At least 12 characters, not a commonly used password, and not containing your username or e-mail address.
        </p>
        <FormLabel htmlFor="confirm">New password again</FormLabel>
        <FormControl id="confirm" name="confirm" type="password" autoComplete="new-password" required minLength={12} />
        <div className="tp-actions">
          <Button type="submit" variant="primary">
            Activate and continue
          </Button>
        </div>
      </form>
      <p className="tp-meta">Code expired or lost? Ask your tenant administrator to send you a new one.</p>
      <LinkForm f={f} step="another">
        Sign in with another account
      </LinkForm>
      <Cancel f={f} />
    </Layout>
  );
}
