/**
 * Federated identities: the link between a person's identity at an integrated
 * provider and their TechPass account. An upstream identity is named by (issuer,
 * subject); it links to exactly one account, and an account has at most one link
 * per provider. Links are made at sign-in (by the sign-in flow) and go with their
 * provider or their account.
 *
 * `mapClaims` reads an upstream provider's (already verified) claims through the
 * provider's claim mapping (identity-providers.ts).
 */
import type { ClaimMapping } from './identity-providers.js';
import type { IdentityProviderId, UserId } from './ids.js';
import type { User } from './users.js';

export interface FederatedIdentity {
  providerId: IdentityProviderId;
  /** The provider's issuer when the link was made (a provider whose issuer changes loses its links). */
  issuer: string;
  /** The upstream subject: the value of the provider's `subject` claim. */
  subject: string;
  userId: UserId;
  createdAt: number;
  lastUsedAt: number | null;
}

/** What an upstream identity says about the person, through the claim mapping. */
export interface MappedIdentity {
  subject: string;
  email: string | null;
  /** The upstream's `email_verified`, when it sends one (Entra ID does not). */
  emailVerified: boolean | null;
  givenName: string | null;
  familyName: string | null;
  agency: string | null;
  department: string | null;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);
const firstOf = (claims: Record<string, unknown>, names: readonly string[]) => {
  for (const name of names) {
    const value = text(claims[name]);
    if (value !== null) return value;
  }
  return null;
};

/** The person's attributes from `claims`; null when the subject claim is missing (the identity cannot be linked). */
export function mapClaims(claims: Record<string, unknown>, mapping: ClaimMapping): MappedIdentity | null {
  const subject = text(claims[mapping.subject]);
  if (subject === null) return null;
  const email = firstOf(claims, mapping.email);
  const verified = claims.email_verified;
  return {
    subject,
    email: email === null ? null : email.toLowerCase(),
    emailVerified: typeof verified === 'boolean' ? verified : verified === 'true' ? true : verified === 'false' ? false : null,
    givenName: firstOf(claims, mapping.givenName),
    familyName: firstOf(claims, mapping.familyName),
    agency: firstOf(claims, mapping.agency),
    department: firstOf(claims, mapping.department),
  };
}

/** What an integrated provider says of the person, as far as the account keeps it. */
export interface ProviderProfile {
  agency?: string;
  givenName?: string;
  familyName?: string;
}

/**
 * What a provider's answer changes on the account, or null when nothing: the agency
 * whenever the provider names one (read-only in TechPass: the provider is its source),
 * and the names while the account is still pending (sign-up and invitations make it
 * from the e-mail alone, so the names are placeholders until the provider says).
 */
export function profileFromProvider(
  user: Pick<User, 'givenName' | 'familyName' | 'status' | 'profile'>,
  said: ProviderProfile,
): { facts: ProviderProfile; changes: Record<string, { from: string | null; to: string }> } | null {
  const facts: ProviderProfile = {};
  const changes: Record<string, { from: string | null; to: string }> = {};
  const change = (key: keyof ProviderProfile, from: string | null, to: string | undefined) => {
    if (to === undefined || to === from) return;
    facts[key] = to;
    changes[key] = { from, to };
  };
  change('agency', user.profile.agency, said.agency);
  if (user.status === 'pending') {
    change('givenName', user.givenName, said.givenName);
    change('familyName', user.familyName, said.familyName);
  }
  return Object.keys(facts).length > 0 ? { facts, changes } : null;
}
