/**
 * Sends the reset links that "Forgot your password?" queued (flows/passwords.ts): the
 * request only queues what was typed, so it costs the same for known and unknown accounts.
 */
import { sendQueuedResetMails, type PasswordDeps } from '../flows/passwords.js';
import type { Job } from './scheduler.js';

export const PASSWORD_RESET_MAIL_JOB = 'password.reset_mail';

export function passwordResetMail(deps: PasswordDeps, intervalMs = 1000): Job {
  return { name: PASSWORD_RESET_MAIL_JOB, intervalMs, run: () => sendQueuedResetMails(deps) };
}
