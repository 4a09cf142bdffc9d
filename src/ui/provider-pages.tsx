/** The pages the provider renders itself (errors and sign-out), in the TechPass look. */
import { devicePages } from './device-pages.js';
import { renderPage } from './layout.js';
import { ErrorPage, SignedOutPage, SignOutConfirmPage } from './sign-in-pages.js';

export const providerPages = {
  error: (input: { error: string; description?: string | undefined; correlationId?: string | undefined }) => renderPage(ErrorPage(input)),
  signOutConfirm: (input: { form: string; applicationName?: string | undefined }) => renderPage(SignOutConfirmPage(input)),
  signedOut: (input: { applicationName?: string | undefined }) => renderPage(SignedOutPage(input)),
  device: devicePages,
};
