/**
 * Self-service through the management API (issue 20's My Account › Security): a
 * person's own signed-in sessions and password. Any signed-in caller, for their own
 * account only (the routes take no account: it is always the caller's); the CLI's
 * operator names no account and has none. Helpers in authorization.ts.
 */
import { ALLOW, deny, type Caller, type Decision } from './authorization.js';

const ownAccount = (caller: Caller, what: string): Decision =>
  caller.via === 'operator' ? deny('no_account', `the operator has no account of its own to ${what}; sign in as a person`) : ALLOW;

export const mayListOwnSessions = (caller: Caller): Decision => ownAccount(caller, 'list the sessions of');
export const mayEndOwnSession = (caller: Caller): Decision => ownAccount(caller, 'end the sessions of');
export const mayChangeOwnPassword = (caller: Caller): Decision => ownAccount(caller, 'change the password of');
