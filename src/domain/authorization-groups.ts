/**
 * Who may manage a namespace's groups, their members, the assignments of its
 * applications and the applications' certificates, through the management API: the
 * namespace's admins and platform admins (authorization.ts), one function per action.
 */
import { administers, type Caller, type Decision, type NamespaceTarget } from './authorization.js';

export const mayListGroups = (caller: Caller, namespace: NamespaceTarget): Decision => administers(caller, namespace);
export const mayReadGroup = (caller: Caller, namespace: NamespaceTarget): Decision => administers(caller, namespace);
export const mayCreateGroup = (caller: Caller, namespace: NamespaceTarget): Decision => administers(caller, namespace);
export const mayUpdateGroup = (caller: Caller, namespace: NamespaceTarget): Decision => administers(caller, namespace);
export const mayDeleteGroup = (caller: Caller, namespace: NamespaceTarget): Decision => administers(caller, namespace);

export const mayListGroupMembers = (caller: Caller, namespace: NamespaceTarget): Decision => administers(caller, namespace);
export const mayAddGroupMember = (caller: Caller, namespace: NamespaceTarget): Decision => administers(caller, namespace);
export const mayRemoveGroupMember = (caller: Caller, namespace: NamespaceTarget): Decision => administers(caller, namespace);

export const mayListAssignments = (caller: Caller, namespace: NamespaceTarget): Decision => administers(caller, namespace);
export const mayAssign = (caller: Caller, namespace: NamespaceTarget): Decision => administers(caller, namespace);
export const mayUnassign = (caller: Caller, namespace: NamespaceTarget): Decision => administers(caller, namespace);

export const mayListCertificates = (caller: Caller, namespace: NamespaceTarget): Decision => administers(caller, namespace);
export const mayAddCertificate = (caller: Caller, namespace: NamespaceTarget): Decision => administers(caller, namespace);
export const mayRemoveCertificate = (caller: Caller, namespace: NamespaceTarget): Decision => administers(caller, namespace);
