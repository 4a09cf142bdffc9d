/**
 * Tells inviters when a registration link they sent expired unused (flows/invitations.ts):
 * once per link, whichever node holds the job's lease; a link replaced by a newer
 * invitation, or used, is not reported.
 */
import { notifyExpiredInvitations, type ExpiryNoticeDeps } from '../flows/invitations.js';
import type { Job } from './scheduler.js';

export const INVITATION_EXPIRY_JOB = 'invitation.expiry_notice';

export function invitationExpiry(deps: ExpiryNoticeDeps, intervalMs = 60_000): Job {
  return { name: INVITATION_EXPIRY_JOB, intervalMs, run: () => notifyExpiredInvitations(deps) };
}
