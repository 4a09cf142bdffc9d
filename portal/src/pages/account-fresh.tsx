/**
 * What My Account's security pages share: a factor as the API shows it, and the
 * "confirm it's you" step (a fresh sign-in, `/portal/login?fresh=1`) that adding or
 * removing one's own factor needs when the API answers `session.fresh_sign_in_required`.
 */
import { ApiError } from '../api.js';
import { Notice } from '../parts.js';

const SECURITY = '/portal/account/security';

/** Whether an API refusal asks for a fresh sign-in. */
export const needsFreshSignIn = (error: unknown) => error instanceof ApiError && error.code === 'session.fresh_sign_in_required';

/** Sends the browser to sign in again (password and second factor), back to `returnTo`. */
export function confirmItIsYou(returnTo = SECURITY): void {
  window.location.assign(`/portal/login?fresh=1&returnTo=${encodeURIComponent(returnTo)}`);
}

/** "Confirm it's you": shown when a change of factors needs a fresh sign-in. */
export function FreshSignInNotice() {
  return (
    <Notice variant="warning">
      <p className="mb-2">
        To change your second factors, confirm it’s you: sign in again with your password (or your agency’s sign-in) and a second factor. You then
        have a few minutes to make the change.
      </p>
      <button type="button" className="btn btn-primary btn-sm" onClick={() => confirmItIsYou()}>
        Confirm it’s you
      </button>
    </Notice>
  );
}
