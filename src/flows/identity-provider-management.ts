/**
 * Integrated identity providers through the management API (platform admins only):
 * the caller's authorization, the provider by id or name, the If-Match precondition,
 * then the registry's own flows (identity-providers.ts), audited with the caller's
 * role and the provider before and after (never a secret or private key).
 */
import { ErrorCodes } from '../contracts/errors.js';
import { fail, ok, type Result } from '../contracts/result.js';
import { auditActor, auditContext, type Caller } from '../domain/authorization.js';
import { mayManageIdentityProviders } from '../domain/authorization-identity-providers.js';
import type { IdentityProvider, NewClientCredentials } from '../domain/identity-providers.js';
import { asIdentityProviderId } from '../domain/ids.js';
import {
  addIdentityProvider,
  removeIdentityProvider,
  setIdentityProviderEnabled,
  updateIdentityProvider,
  type IdentityProviderAdminDeps,
  type ProviderChanges,
  type ProviderInput,
} from './identity-providers.js';
import { preconditionRequired, refused, type Precondition } from './namespace-management.js';

/** The secret as the API takes it: a client secret, or a certificate with its private key. */
export interface CredentialFields {
  clientSecret?: string;
  certificatePem?: string;
  privateKeyPem?: string;
}

/** The credential flows name their fields as the CLI's flags; the API's fields are these. */
const API_FIELDS: Record<string, string> = { certPem: 'certificatePem', keyPem: 'privateKeyPem' };

function inApiTerms<T>(result: Result<T>): Result<T> {
  if (result.ok || result.field === undefined || !API_FIELDS[result.field]) return result;
  return fail(result.error, result.message, API_FIELDS[result.field]);
}

function credentialsOf(fields: CredentialFields, required: boolean): Result<NewClientCredentials | undefined> {
  const pem = fields.certificatePem !== undefined || fields.privateKeyPem !== undefined;
  if (fields.clientSecret !== undefined && pem) {
    return fail(ErrorCodes.inputInvalid, 'give either clientSecret or certificatePem with privateKeyPem, not both', 'clientSecret');
  }
  if (fields.clientSecret !== undefined) return ok({ method: 'client_secret', clientSecret: fields.clientSecret });
  if (pem) {
    if (fields.certificatePem === undefined)
      return fail(ErrorCodes.inputInvalid, 'privateKeyPem needs certificatePem (the certificate it goes with)', 'certificatePem');
    if (fields.privateKeyPem === undefined)
      return fail(ErrorCodes.inputInvalid, 'certificatePem needs privateKeyPem (its private key)', 'privateKeyPem');
    return ok({ method: 'private_key_jwt', certificatePem: fields.certificatePem, privateKeyPem: fields.privateKeyPem });
  }
  return required
    ? fail(ErrorCodes.inputInvalid, 'give a clientSecret, or certificatePem with privateKeyPem (private_key_jwt)', 'clientSecret')
    : ok(undefined);
}

async function authorized(deps: IdentityProviderAdminDeps, caller: Caller, idOrName: string | null): Promise<Result<IdentityProvider | null>> {
  const decision = mayManageIdentityProviders(caller);
  if (!decision.allow) return refused(decision);
  if (idOrName === null) return ok(null);
  const found = (await deps.identityProviders.findById(asIdentityProviderId(idOrName))) ?? (await deps.identityProviders.findByName(idOrName));
  return found ? ok(found) : fail(ErrorCodes.identityProviderNotFound, `no identity provider named ${idOrName}`, 'id');
}

const options = (caller: Caller, precondition?: Precondition<IdentityProvider>) => ({
  context: auditContext(caller),
  ...(typeof precondition === 'function' ? { precondition } : {}),
});

export async function listIdentityProviders(deps: IdentityProviderAdminDeps, caller: Caller): Promise<Result<IdentityProvider[]>> {
  const allowed = await authorized(deps, caller, null);
  if (!allowed.ok) return allowed;
  return ok(await deps.identityProviders.list());
}

export async function showIdentityProvider(deps: IdentityProviderAdminDeps, caller: Caller, id: string): Promise<Result<IdentityProvider>> {
  const found = await authorized(deps, caller, id);
  return found.ok ? ok(found.value!) : found;
}

export async function createIdentityProvider(
  deps: IdentityProviderAdminDeps,
  caller: Caller,
  input: Omit<ProviderInput, 'credentials'> & CredentialFields,
) {
  const allowed = await authorized(deps, caller, null);
  if (!allowed.ok) return allowed;
  const { clientSecret, certificatePem, privateKeyPem, ...settings } = input;
  const credentials = credentialsOf({ clientSecret, certificatePem, privateKeyPem }, true);
  if (!credentials.ok) return credentials;
  return inApiTerms(await addIdentityProvider(deps, auditActor(caller), { ...settings, credentials: credentials.value! }, options(caller)));
}

export async function changeIdentityProvider(
  deps: IdentityProviderAdminDeps,
  caller: Caller,
  input: { id: string; changes: Omit<ProviderChanges, 'credentials'> & CredentialFields; precondition: Precondition<IdentityProvider> },
) {
  const found = await authorized(deps, caller, input.id);
  if (!found.ok) return found;
  if (input.precondition === 'missing') return preconditionRequired();
  const { clientSecret, certificatePem, privateKeyPem, ...settings } = input.changes;
  const credentials = credentialsOf({ clientSecret, certificatePem, privateKeyPem }, false);
  if (!credentials.ok) return credentials;
  const changes = { ...settings, ...(credentials.value ? { credentials: credentials.value } : {}) };
  return inApiTerms(await updateIdentityProvider(deps, auditActor(caller), found.value!.name, changes, options(caller, input.precondition)));
}

export async function enableIdentityProvider(deps: IdentityProviderAdminDeps, caller: Caller, id: string, enabled: boolean) {
  const found = await authorized(deps, caller, id);
  if (!found.ok) return found;
  return setIdentityProviderEnabled(deps, auditActor(caller), found.value!.name, enabled, options(caller));
}

export async function deleteIdentityProvider(
  deps: IdentityProviderAdminDeps,
  caller: Caller,
  id: string,
  precondition: Precondition<IdentityProvider>,
) {
  const found = await authorized(deps, caller, id);
  if (!found.ok) return found;
  return removeIdentityProvider(deps, auditActor(caller), found.value!.name, options(caller, precondition));
}
