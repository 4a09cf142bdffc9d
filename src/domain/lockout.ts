/**
 * Lockout and throttling rules. An account locks after `threshold` consecutive
 * failed passwords (a reset unlocks it); an address that fails too often across
 * accounts is slowed down for a while.
 */
export interface LockoutPolicy {
  threshold: number;
  /** Failed attempts allowed per address per window, across all accounts. */
  perAddress: number;
  windowMs: number;
}

export const DEFAULT_LOCKOUT: LockoutPolicy = { threshold: 10, perAddress: 50, windowMs: 15 * 60 * 1000 };

export function shouldLock(failedSignIns: number, policy: LockoutPolicy): boolean {
  return failedSignIns >= policy.threshold;
}
