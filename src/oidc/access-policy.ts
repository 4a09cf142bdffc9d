/**
 * The application switches as the provider applies them, and the claims an
 * application is told about a user. The rules are in domain/application-access.ts;
 * this module reads the directory for them.
 *
 * - Sign-in (the interaction code) calls `checkApplicationAccess` before it
 *   completes a login for an application.
 * - The token endpoint applies the same check when it exchanges a code or a
 *   refresh token (see accounts.ts), so switching sign-in off or removing an
 *   assignment stops refreshes at once.
 * - `applicationClaims` gives `tid` (the namespace's directory id) and `groups`
 *   (the user's direct groups assigned to the application, `<namespace>:<group>`).
 */
import { canSignIn, groupsClaim, needsAssignment, type AccessRefusal } from '../domain/application-access.js';
import type { Application } from '../domain/directory.js';
import type { NamespaceId, UserId } from '../domain/ids.js';
import type { AssignmentRepository, ClientDirectory, NamespaceRepository } from '../domain/repositories.js';

/** What the policy reads; the Store satisfies it. */
export interface DirectoryReader {
  readonly clients: Pick<ClientDirectory, 'findApplication'>;
  readonly namespaces: Pick<NamespaceRepository, 'findById'>;
  forNamespace(id: NamespaceId): { readonly assignments: Pick<AssignmentRepository, 'accessFacts'> };
}

/**
 * A reader that answers each question once: one token response asks for the same
 * application, namespace and facts up to three times (access check, ID token claims,
 * access token claims). Meant to live for one request, so nothing goes stale.
 */
export function onceReader(directory: DirectoryReader): DirectoryReader {
  const answers = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, ask: () => Promise<T>): Promise<T> => {
    if (!answers.has(key)) answers.set(key, ask());
    return answers.get(key) as Promise<T>;
  };
  return {
    clients: { findApplication: (clientId) => once(`app:${clientId}`, () => directory.clients.findApplication(clientId)) },
    namespaces: { findById: (id) => once(`ns:${id}`, () => directory.namespaces.findById(id)) },
    forNamespace: (namespaceId) => ({
      assignments: {
        accessFacts: (applicationId, userId) =>
          once(`facts:${namespaceId}:${applicationId}:${userId}`, () =>
            directory.forNamespace(namespaceId).assignments.accessFacts(applicationId, userId),
          ),
      },
    }),
  };
}

export type ApplicationAccess =
  { ok: true; applicationName: string; termsVersion: number } | { ok: false; reason: AccessRefusal; applicationName: string };

/** What a person is told when an application refuses them. */
export const ACCESS_REFUSAL_MESSAGES: Record<AccessRefusal, string> = {
  sign_in_disabled: 'sign-in to this application is disabled',
  not_assigned: 'the user is not assigned to this application',
};

async function decide(directory: DirectoryReader, app: Application, userId: UserId): Promise<ApplicationAccess> {
  // Assignments are read only when they matter.
  const facts = needsAssignment(app) ? await directory.forNamespace(app.namespaceId).assignments.accessFacts(app.id, userId) : null;
  const decision = canSignIn(app, facts);
  return decision.ok
    ? { ok: true, applicationName: app.name, termsVersion: app.termsVersion }
    : { ok: false, reason: decision.reason, applicationName: app.name };
}

/**
 * May `userId` sign in to (or keep refreshing tokens for) the application `clientId`?
 * An application that no longer exists takes no sign-ins (`sign_in_disabled`).
 */
export async function checkApplicationAccess(directory: DirectoryReader, clientId: string, userId: string): Promise<ApplicationAccess> {
  const app = await directory.clients.findApplication(clientId);
  if (!app) return { ok: false, reason: 'sign_in_disabled', applicationName: clientId };
  return decide(directory, app, userId as UserId);
}

export interface ApplicationClaims {
  /** The namespace's directory id (the tenant). */
  tid: string;
  /** Only for tokens about a user. */
  groups?: string[];
}

/** The directory claims for tokens the application `clientId` receives, about `userId` when given. */
export async function applicationClaims(directory: DirectoryReader, clientId: string, userId?: string): Promise<ApplicationClaims | null> {
  const app = await directory.clients.findApplication(clientId);
  if (!app) return null;
  const scope = directory.forNamespace(app.namespaceId);
  const [namespace, facts] = await Promise.all([
    directory.namespaces.findById(app.namespaceId),
    userId === undefined ? null : scope.assignments.accessFacts(app.id, userId as UserId),
  ]);
  if (!namespace) return null;
  return facts ? { tid: namespace.directoryId, groups: groupsClaim(namespace.name, facts) } : { tid: namespace.directoryId };
}
