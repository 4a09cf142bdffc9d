/** My Account › Sign-in activity: the person's own sign-ins (`GET /me/sign-ins`), newest first. */
import { SignInTable, useSignIns } from './activity-sign-ins.js';

export function AccountActivityPage() {
  const state = useSignIns('/me/sign-ins');
  return (
    <section aria-labelledby="tp-activity">
      <h2 id="tp-activity">Sign-in activity</h2>
      <p>
        Every sign-in to TechPass with your account, newest first, whether it succeeded or not. A sign-in you do not recognise? Change your password
        and tell your platform admin, quoting its reference.
      </p>
      <SignInTable state={state} what="your sign-ins" empty="No sign-in has been recorded for your account yet." />
    </section>
  );
}
