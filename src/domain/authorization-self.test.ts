import { describe, expect, it } from 'vitest';
import { operatorCaller, type Caller } from './authorization.js';
import { mayAddOwnFactor, mayRemoveOwnFactor, signedInRecently } from './authorization-self.js';
import type { UserId } from './ids.js';

const me = 'usr_me' as UserId;
const NOW = Date.UTC(2026, 11, 3, 12);
const WINDOW = 10 * 60_000;
const caller = (signedIn?: Caller['signedIn']): Caller => ({
  userId: me,
  email: 'me@agency.gov.sg',
  platformAdmin: false,
  adminOf: new Set(),
  via: 'portal_session',
  ...(signedIn ? { signedIn } : {}),
});

describe('one’s own second factors', () => {
  it('needs a sign-in with a second factor within the window', () => {
    expect(signedInRecently(caller({ at: NOW - 60_000, amr: ['pwd', 'otp'] }), NOW, WINDOW)).toBe(true);
    expect(signedInRecently(caller({ at: NOW - 60_000, amr: ['fed', 'swk'] }), NOW, WINDOW)).toBe(true);
    // Too old, a password alone, no sign-in known (a token), or a time from the future.
    expect(signedInRecently(caller({ at: NOW - WINDOW - 1, amr: ['pwd', 'otp'] }), NOW, WINDOW)).toBe(false);
    expect(signedInRecently(caller({ at: NOW, amr: ['pwd'] }), NOW, WINDOW)).toBe(false);
    expect(signedInRecently(caller(), NOW, WINDOW)).toBe(false);
    expect(signedInRecently(caller({ at: NOW + 5 * 60_000, amr: ['pwd', 'otp'] }), NOW, WINDOW)).toBe(false);
  });

  it('is for the owner only: never another person, never the operator', () => {
    const fresh = caller({ at: NOW, amr: ['pwd', 'hwk'] });
    expect(mayAddOwnFactor(fresh, me, NOW, WINDOW).allow).toBe(true);
    expect(mayRemoveOwnFactor(fresh, me, NOW, WINDOW).allow).toBe(true);
    expect(mayAddOwnFactor({ ...fresh, platformAdmin: true }, 'usr_other' as UserId, NOW, WINDOW).allow).toBe(false);
    expect(mayAddOwnFactor(operatorCaller('cli:root'), 'cli:root' as UserId, NOW, WINDOW).allow).toBe(false);
    const stale = mayRemoveOwnFactor(caller({ at: NOW - WINDOW - 1, amr: ['pwd', 'otp'] }), me, NOW, WINDOW);
    expect(stale).toMatchObject({ allow: false, reason: 'fresh_sign_in_required' });
  });
});
