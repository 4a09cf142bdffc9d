/**
 * Who may read the platform's records through the management API (issue 19): the
 * signing keys, the audit log and the sign-in log. Helpers and roles in
 * authorization.ts.
 *
 * - signing keys: platform admins only (their dates say when tokens can be forged
 *   with a leaked key; the private parts are never answered to anyone);
 * - audit log and sign-in log: platform admins see every line; a tenant admin sees
 *   the lines of the namespaces they administer (an audit event's namespace; a
 *   sign-in's application's namespace), and is refused a namespace they do not;
 * - a person reads their own sign-ins.
 */
import { administers, ALLOW, deny, platformOnly, visibleNamespaces, type Caller, type Decision, type NamespaceTarget } from './authorization.js';
import type { NamespaceId } from './ids.js';

export const mayListSigningKeys = (caller: Caller): Decision => platformOnly(caller, 'list the signing keys');

/** Reads a log across namespaces: platform admins (every line), tenant admins (their namespaces' lines). */
function mayReadLog(caller: Caller, what: string): Decision {
  if (caller.platformAdmin || caller.adminOf.size > 0) return ALLOW;
  return deny('not_an_admin', `only namespace admins and platform admins may read ${what}`);
}

export const mayReadAudit = (caller: Caller): Decision => mayReadLog(caller, 'the audit log');
export const mayReadNamespaceAudit = (caller: Caller, namespace: NamespaceTarget): Decision => administers(caller, namespace);

export const mayReadSignIns = (caller: Caller): Decision => mayReadLog(caller, 'the sign-in log');
export const mayReadNamespaceSignIns = (caller: Caller, namespace: NamespaceTarget): Decision => administers(caller, namespace);

/** A person's own sign-ins: every signed-in caller. */
export const mayReadOwnSignIns = (_caller: Caller): Decision => ALLOW;

/** The namespaces whose lines a log query may answer the caller: all, or those it administers. */
export const logScope = (caller: Caller): 'all' | ReadonlySet<NamespaceId> => visibleNamespaces(caller);
