/**
 * The management API's bodies for integrated identity providers (platform admins
 * only; see management.ts for the conventions: timestamps in milliseconds, one error
 * shape). A provider's client secret or private key goes in, never out: the answer
 * says only whether one is set and when.
 */
import { z } from 'zod';

export const IdentityProviderParams = z.object({
  id: z.string().min(1).max(200).describe("the provider's id, or its name (e.g. wog-entra)"),
});

const ClaimNames = z.array(z.string().max(200)).max(20);
const Claims = z.strictObject({
  subject: z.string().max(200).optional().describe('the one claim that links an upstream identity to an account (default sub)'),
  email: ClaimNames.optional(),
  givenName: ClaimNames.optional(),
  familyName: ClaimNames.optional(),
  agency: ClaimNames.optional(),
  department: ClaimNames.optional(),
});

const Secret = {
  clientSecret: z
    .string()
    .min(1)
    .max(2000)
    .optional()
    .describe('the client secret the provider gave TechPass (or certificatePem with privateKeyPem)'),
  certificatePem: z.string().min(1).max(20_000).optional().describe('private_key_jwt: our certificate (PEM), uploaded at the provider'),
  privateKeyPem: z
    .string()
    .min(1)
    .max(20_000)
    .optional()
    .describe("private_key_jwt: the certificate's private key (PEM, unencrypted); sealed at rest"),
};

const Settings = {
  displayName: z.string().max(200).describe('the name people see on the sign-in page'),
  issuer: z.string().max(2000).describe('the issuer, exactly as its discovery document names it'),
  clientId: z.string().max(500).describe('the client (application) id the provider gave TechPass'),
  domains: z.array(z.string().max(300)).max(200).describe('the e-mail domains it serves; *.gov.sg serves every domain below gov.sg'),
  scopes: z.array(z.string().max(200)).max(50).optional().describe('default openid email profile'),
  claims: Claims.optional().describe('where the attributes come from, key by key over the defaults'),
  endSession: z.boolean().optional().describe('signing out of TechPass also signs out at the provider'),
};

export const IdentityProviderCreate = z
  .strictObject({ name: z.string().max(100).describe('3–40 lower-case letters, digits, dashes; does not change'), ...Settings, ...Secret })
  .meta({ id: 'IdentityProviderCreate' });

export const IdentityProviderUpdate = z
  .strictObject({
    displayName: Settings.displayName.optional(),
    issuer: Settings.issuer.optional(),
    clientId: Settings.clientId.optional(),
    domains: Settings.domains.optional(),
    scopes: Settings.scopes,
    claims: Settings.claims,
    endSession: Settings.endSession,
    ...Secret,
  })
  .meta({ id: 'IdentityProviderUpdate' });

export const IdentityProviderView = z
  .object({
    id: z.string(),
    name: z.string(),
    displayName: z.string(),
    enabled: z.boolean(),
    issuer: z.string(),
    clientId: z.string(),
    clientAuthentication: z.object({
      method: z.enum(['client_secret', 'private_key_jwt']),
      secretSet: z.boolean().describe('whether a client secret is set (it is never answered)'),
      secretSetAt: z.number().nullable(),
      certificate: z
        .object({ subject: z.string(), x5t: z.string(), x5tS256: z.string(), alg: z.string(), notAfter: z.number() })
        .nullable()
        .describe('private_key_jwt: our certificate (its private key is never answered)'),
    }),
    domains: z.array(z.string()),
    scopes: z.array(z.string()),
    claims: z.object({
      subject: z.string(),
      email: z.array(z.string()),
      givenName: z.array(z.string()),
      familyName: z.array(z.string()),
      agency: z.array(z.string()),
      department: z.array(z.string()),
    }),
    endSession: z.boolean(),
    endSessionEndpoint: z.string().nullable().describe("the provider's end_session_endpoint, if it publishes one"),
    callbackUrl: z.string().describe('the redirect URI to register at the provider'),
    metadata: z.record(z.string(), z.unknown()).describe('the discovery document as last checked'),
    discoveredAt: z.number(),
    createdAt: z.number(),
    updatedAt: z.number(),
  })
  .meta({ id: 'IdentityProvider' });

export const IdentityProviderList = z.object({ items: z.array(IdentityProviderView) }).meta({ id: 'IdentityProviderList' });

/** A provider as added or changed: with what the administrator should know, and how many account links an update removed. */
export const IdentityProviderChanged = IdentityProviderView.extend({
  warnings: z.array(z.string()),
  unlinked: z.number().describe('account links removed (a new issuer or subject claim): each person links again at their next sign-in'),
}).meta({ id: 'IdentityProviderChanged' });

export const IdentityProviderToggled = IdentityProviderView.extend({
  changed: z.boolean().describe('false when it already was'),
}).meta({ id: 'IdentityProviderToggled' });

export const IdentityProviderRemoved = z
  .object({ id: z.string(), name: z.string(), removed: z.literal(true), unlinked: z.number() })
  .meta({ id: 'IdentityProviderRemoved' });
