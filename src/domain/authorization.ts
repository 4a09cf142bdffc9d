/**
 * Who may do what through the management API: one function per action, taking the
 * caller and the target, answering allow or a deny reason. Every route calls one
 * (src/flows/management*.ts), and the authorization matrix test calls every route as
 * every kind of caller.
 *
 * Roles (issue 19):
 * - **user**: anyone signed in; may read who they are, nothing of the directory;
 * - **tenant admin**: an admin of one or more namespaces (namespace_admins); manages
 *   those namespaces' admins, applications and secrets, nothing else;
 * - **platform admin** (`platform_role = 'admin'`): everything, audited; the only
 *   one who deletes namespaces and lets an application ask for management API tokens.
 *
 * A caller who may not see a namespace is refused with `forbidden`, not `not found`:
 * namespace names are not secrets (they are in group names and tokens' `tid`), and a
 * clear refusal helps a tenant admin who typed the wrong one.
 */
import type { NamespaceId, UserId } from './ids.js';

/**
 * How the caller proved who they are: an access token for `<issuer>/api`, (later) the
 * portal's session, or the operator at the server's own database (the CLI without
 * `--server`: whoever can open the database is the platform's operator).
 */
export type CallerCredential = 'access_token' | 'portal_session' | 'operator';

export interface Caller {
  /** The person; for the operator, the CLI's actor (`cli:<user>`), which names no account. */
  userId: UserId;
  email: string;
  platformAdmin: boolean;
  /** The namespaces the caller administers. */
  adminOf: ReadonlySet<NamespaceId>;
  via: CallerCredential;
  /**
   * When the person last proved who they are, and how (a portal session knows: its
   * sign-in's auth_time and amr). Absent for tokens and the operator.
   */
  signedIn?: { at: number; amr: readonly string[] };
  /** The portal session the request came with (its stored id), kept when the person ends their other sessions. */
  portalSession?: string;
}

export type Role = 'platform_admin' | 'tenant_admin' | 'user';

/** The CLI on the local database: the operator, with a platform admin's rights, audited as `actor`. */
export const operatorCaller = (actor: string): Caller => ({
  userId: actor as UserId,
  email: '',
  platformAdmin: true,
  adminOf: new Set(),
  via: 'operator',
});

export function roleOf(caller: Caller): Role {
  if (caller.platformAdmin) return 'platform_admin';
  return caller.adminOf.size > 0 ? 'tenant_admin' : 'user';
}

export type DenyReason = 'not_an_admin' | 'not_this_namespace' | 'platform_admin_only' | 'fresh_sign_in_required';
export type Decision = { allow: true } | { allow: false; reason: DenyReason; message: string };

export const ALLOW: Decision = { allow: true };
export const deny = (reason: DenyReason, message: string): Decision => ({ allow: false, reason, message });

/** The target of a namespace-owned action: the namespace, by id and name. */
export interface NamespaceTarget {
  id: NamespaceId;
  name: string;
}

/** Allowed to an admin of the namespace and to platform admins. */
export function administers(caller: Caller, namespace: NamespaceTarget): Decision {
  if (caller.platformAdmin || caller.adminOf.has(namespace.id)) return ALLOW;
  if (caller.adminOf.size === 0) return deny('not_an_admin', 'only the admins of a namespace and platform admins may do this');
  return deny('not_this_namespace', `you are not an admin of namespace ${namespace.name}`);
}

export const platformOnly = (caller: Caller, what: string): Decision =>
  caller.platformAdmin ? ALLOW : deny('platform_admin_only', `only a platform admin may ${what}`);

/** Lists namespaces: a platform admin sees every one, a tenant admin theirs (see `visibleNamespaces`). */
export function mayListNamespaces(caller: Caller): Decision {
  if (caller.platformAdmin || caller.adminOf.size > 0) return ALLOW;
  return deny('not_an_admin', 'only namespace admins and platform admins may list namespaces');
}

/** Which namespaces a listing shows the caller: every one (`all`) or those it administers. */
export function visibleNamespaces(caller: Caller): 'all' | ReadonlySet<NamespaceId> {
  return caller.platformAdmin ? 'all' : caller.adminOf;
}

export const mayReadNamespace = (caller: Caller, namespace: NamespaceTarget): Decision => administers(caller, namespace);
export const mayUpdateNamespace = (caller: Caller, namespace: NamespaceTarget): Decision => administers(caller, namespace);
export const mayDeleteNamespace = (caller: Caller, _namespace: NamespaceTarget): Decision => platformOnly(caller, 'delete a namespace');

export const mayListNamespaceAdmins = (caller: Caller, namespace: NamespaceTarget): Decision => administers(caller, namespace);
export const mayAddNamespaceAdmin = (caller: Caller, namespace: NamespaceTarget): Decision => administers(caller, namespace);
export const mayRemoveNamespaceAdmin = (caller: Caller, namespace: NamespaceTarget): Decision => administers(caller, namespace);

/** Creates an application in a namespace: its admins and platform admins. */
export const mayCreateApplication = (caller: Caller, namespace: NamespaceTarget): Decision => administers(caller, namespace);
export const mayReadApplication = (caller: Caller, namespace: NamespaceTarget): Decision => administers(caller, namespace);
export const mayDeleteApplication = (caller: Caller, namespace: NamespaceTarget): Decision => administers(caller, namespace);

/**
 * Updates an application. Letting it ask for management API tokens (`managementApi`)
 * is a platform admin's decision: such an application receives tokens that act with
 * the full role of whoever signs in to it, platform admins included.
 */
export function mayUpdateApplication(caller: Caller, namespace: NamespaceTarget, changes: { managementApi?: boolean }): Decision {
  const admin = administers(caller, namespace);
  if (!admin.allow) return admin;
  if (changes.managementApi !== undefined) return platformOnly(caller, 'let an application ask for management API tokens');
  return ALLOW;
}

export const mayListSecrets = (caller: Caller, namespace: NamespaceTarget): Decision => administers(caller, namespace);
export const mayAddSecret = (caller: Caller, namespace: NamespaceTarget): Decision => administers(caller, namespace);
export const mayRevokeSecret = (caller: Caller, namespace: NamespaceTarget): Decision => administers(caller, namespace);

/** Who the caller is: every signed-in caller may ask. */
export const mayReadSelf = (_caller: Caller): Decision => ALLOW;

/** The actor an audit event records for a caller (their user id, as every flow does) and what it adds to the event's data. */
export const auditActor = (caller: Caller): string => caller.userId;
export const auditContext = (caller: Caller) => ({ role: roleOf(caller), via: caller.via });
