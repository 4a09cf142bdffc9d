/**
 * The directory: tenant namespaces and the applications (OIDC clients) they own.
 * Rules only; storage implements the repository interfaces declared here.
 */
import type { ApplicationId, NamespaceId } from './ids.js';

export interface Namespace {
  id: NamespaceId;
  name: string;
  displayName: string;
  description: string;
  directoryId: string;
  createdAt: number;
}

export interface Application {
  id: ApplicationId;
  namespaceId: NamespaceId;
  name: string;
  homepageUrl: string | null;
  logoutUrl: string | null;
  redirectUris: string[];
  isPublic: boolean;
  signInEnabled: boolean;
  assignmentRequired: boolean;
  implicitGrant: boolean;
  backchannelLogoutUri: string | null;
  termsVersion: number;
  /** People signing in through it may be issued access tokens for the management API (`<issuer>/api`). */
  managementApi: boolean;
  /** It may use the device authorization grant (RFC 8628); honoured for public clients only. */
  deviceGrant: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface ApplicationSecret {
  id: string;
  applicationId: ApplicationId;
  digest: string;
  hint: string;
  /** What the admin called it (empty for secrets made before names). */
  name: string;
  createdAt: number;
  expiresAt: number;
  /** When it last authenticated the application (to the minute), null if never. */
  lastUsedAt: number | null;
}

const NAMESPACE_NAME = /^[a-z][a-z0-9-]{1,38}[a-z0-9]$/;

/** Names the platform keeps for itself: `techpass` holds its own applications (the CLI's, flows/platform-cli.ts). */
export const RESERVED_NAMESPACE_NAMES: readonly string[] = ['techpass'];

export function checkNamespaceName(name: string): string | null {
  if (!NAMESPACE_NAME.test(name)) return 'must be 3–40 lower-case letters, digits or dashes, starting with a letter';
  return RESERVED_NAMESPACE_NAMES.includes(name) ? 'is reserved for the platform' : null;
}

export function checkApplicationName(name: string): string | null {
  return name.trim().length >= 1 && name.length <= 100 ? null : 'is required (at most 100 characters)';
}

/**
 * Redirect URIs are matched exactly, so they must be absolute, without a fragment,
 * and over https except for loopback development hosts.
 */
export function checkRedirectUri(uri: string): string | null {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `${JSON.stringify(uri)} is not an absolute URL`;
  }
  if (url.hash) return `${uri} must not contain a fragment`;
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    return `${uri} must use https (http is allowed only for localhost)`;
  }
  return null;
}

/** Client secrets are valid for one year by default (several may overlap for rollover). */
export const SECRET_LIFETIME_MS = 365 * 24 * 3600 * 1000;

/** The longest lifetime an admin may ask for a new client secret. */
export const MAX_SECRET_LIFETIME_DAYS = 730;

/** What an admin may change on an application (`null` removes a URL). */
export interface ApplicationChanges {
  name?: string;
  homepageUrl?: string | null;
  redirectUris?: string[];
  /** Only a platform admin may change it (domain/authorization.ts). */
  managementApi?: boolean;
  /** Set by the platform only (flows/platform-cli.ts); no API changes it yet. */
  deviceGrant?: boolean;
  signInEnabled?: boolean;
  assignmentRequired?: boolean;
  implicitGrant?: boolean;
  logoutUrl?: string | null;
  backchannelLogoutUri?: string | null;
  termsVersion?: number;
}

export type ApplicationChangeProblem = { field: keyof ApplicationChanges; message: string };

/**
 * Checks a change set against the application as it is. URLs follow the redirect URI
 * rules (absolute, https except loopback, no fragment); the terms version only goes
 * up, since raising it is how users are asked to accept new terms.
 */
export function checkApplicationChanges(app: Application, changes: ApplicationChanges): ApplicationChangeProblem | null {
  if (changes.name !== undefined) {
    const problem = checkApplicationName(changes.name);
    if (problem) return { field: 'name', message: problem };
  }
  if (changes.redirectUris !== undefined) {
    if (changes.redirectUris.length === 0) return { field: 'redirectUris', message: 'needs at least one redirect URI' };
    for (const uri of changes.redirectUris) {
      const problem = checkRedirectUri(uri);
      if (problem) return { field: 'redirectUris', message: problem };
    }
  }
  for (const field of ['logoutUrl', 'backchannelLogoutUri', 'homepageUrl'] as const) {
    const url = changes[field];
    if (url !== undefined && url !== null) {
      const problem = checkRedirectUri(url);
      if (problem) return { field, message: problem };
    }
  }
  if (changes.termsVersion !== undefined) {
    if (!Number.isSafeInteger(changes.termsVersion) || changes.termsVersion < 1) {
      return { field: 'termsVersion', message: 'must be a whole number, 1 or more' };
    }
    if (changes.termsVersion < app.termsVersion) {
      return { field: 'termsVersion', message: `cannot go down (it is ${app.termsVersion}); raise it to ask users to accept new terms` };
    }
  }
  return null;
}
