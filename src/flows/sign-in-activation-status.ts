/**
 * The end of a vendor's activation: once its sign-in has enrolled MFA (the flow left
 * the `enrol` step: an authenticator app or a passkey confirmed, or the TechPass
 * Authenticator registered), the pending account becomes active, through the audited
 * status change every flow uses (account-status.ts). Called by `settle` after every
 * move; a leaf module, so sign-in-progress.ts can call it without an import cycle.
 */
import type { SignInFlow } from '../domain/flows/sign-in.js';
import { applyStatusChange } from './account-status.js';
import type { SignInDeps } from './sign-in-steps.js';

export async function activateOnceEnrolled(deps: Pick<SignInDeps, 'transaction'>, flow: SignInFlow): Promise<void> {
  if (!flow.context.activating || !flow.userId || flow.state === 'enrol' || flow.state === 'refused') return;
  const userId = flow.userId;
  await deps.transaction(async (tx) => {
    // Once: a second move of the same flow (or another tab) finds it active already.
    if ((await tx.users.findById(userId))?.status !== 'pending') return;
    // Refused only if the account changed meanwhile (terminated…): the standing check that follows then refuses the sign-in.
    await applyStatusChange(tx, userId, 'activate', userId, { reason: 'vendor activation: SMS code, new password and MFA enrolled' });
  });
}
