/**
 * Platform administration: creating namespaces, applications and accounts. The
 * CLI calls these today and the portal API will call the same functions. Each
 * validates first (nothing changes on bad input), then writes, then audits.
 */
import { ErrorCodes } from '../contracts/errors.js';
import { fail, ok, type Result } from '../contracts/result.js';
import {
  checkApplicationName,
  checkNamespaceName,
  checkRedirectUri,
  SECRET_LIFETIME_MS,
  type Application,
  type Namespace,
} from '../domain/directory.js';
import type { AuditLog, NamespaceRepository, NamespaceScope, UserRepository } from '../domain/repositories.js';
import type { NamespaceId } from '../domain/ids.js';
import { ACCOUNT_TYPE_RULES, missingField } from '../domain/account-status.js';
import {
  ACCOUNT_TYPES,
  BUSINESS_OPERATIONS,
  checkNewUser,
  normaliseEmail,
  normaliseMobile,
  type AccountType,
  type BusinessOperation,
  type User,
} from '../domain/users.js';
import type { Clock } from '../platform/clock.js';
import { newSecret } from '../platform/ids.js';
import { digestSecret } from '../platform/secrets.js';
import { hashPassword } from '../strategies/password/hash.js';
import { checkPassword, describePasswordProblem } from '../strategies/password/policy.js';
import { normaliseTotpSeed } from '../strategies/totp/seed.js';

export interface AdministrationRepositories {
  users: UserRepository;
  namespaces: NamespaceRepository;
  audit: AuditLog;
  forNamespace(id: NamespaceId): NamespaceScope;
}

export interface AdministrationDeps extends AdministrationRepositories {
  clock: Clock;
  /** Runs writes in one transaction, so a failure half-way leaves nothing behind. */
  transaction<T>(fn: (repositories: AdministrationRepositories) => Promise<T>): Promise<T>;
}

export async function createNamespace(
  deps: AdministrationDeps,
  actor: string,
  input: { name: string; displayName: string; description?: string },
): Promise<Result<Namespace>> {
  const problem = checkNamespaceName(input.name);
  if (problem) return fail(ErrorCodes.inputInvalid, `name ${problem}`, 'name');
  if (!input.displayName.trim() || input.displayName.length > 100) {
    return fail(ErrorCodes.inputInvalid, 'display name is required (at most 100 characters)', 'displayName');
  }
  return deps.transaction(async (tx) => {
    const created = await tx.namespaces.create({ name: input.name, displayName: input.displayName.trim(), description: input.description ?? '' });
    if (!created.ok) return fail(ErrorCodes.namespaceExists, `a namespace named ${input.name} already exists`, 'name');
    await tx.audit.append({
      actor,
      action: 'namespace.created',
      targetType: 'namespace',
      targetId: created.value.id,
      namespaceId: created.value.id,
      data: { name: input.name },
    });
    return ok(created.value);
  });
}

export interface NewApplicationInput {
  namespace: string;
  name: string;
  redirectUris: string[];
  isPublic: boolean;
  logoutUrl?: string;
  homepageUrl?: string;
}

export async function createApplication(
  deps: AdministrationDeps,
  actor: string,
  input: NewApplicationInput,
  /** More for the audit event's data (the management API's caller role and credential). */
  auditData: Record<string, unknown> = {},
): Promise<Result<{ application: Application; clientSecret: string | null; secretExpiresAt: number | null }>> {
  const namespace = await deps.namespaces.findByName(input.namespace);
  if (!namespace) return fail(ErrorCodes.namespaceNotFound, `no namespace named ${input.namespace}`, 'namespace');
  const nameProblem = checkApplicationName(input.name);
  if (nameProblem) return fail(ErrorCodes.inputInvalid, `name ${nameProblem}`, 'name');
  if (input.redirectUris.length === 0) return fail(ErrorCodes.inputInvalid, 'at least one redirect URI is required', 'redirectUris');
  for (const uri of input.redirectUris) {
    const problem = checkRedirectUri(uri);
    if (problem) return fail(ErrorCodes.inputInvalid, `redirect URI ${problem}`, 'redirectUris');
  }
  for (const [field, url] of [
    ['logoutUrl', input.logoutUrl],
    ['homepageUrl', input.homepageUrl],
  ] as const) {
    if (url !== undefined) {
      const problem = checkRedirectUri(url);
      if (problem) return fail(ErrorCodes.inputInvalid, `${field} ${problem}`, field);
    }
  }
  return deps.transaction(async (tx) => {
    const scope = tx.forNamespace(namespace.id);
    const created = await scope.applications.create({
      name: input.name,
      redirectUris: [...new Set(input.redirectUris)],
      isPublic: input.isPublic,
      logoutUrl: input.logoutUrl ?? null,
      homepageUrl: input.homepageUrl ?? null,
    });
    if (!created.ok) return fail(ErrorCodes.applicationExists, `namespace ${input.namespace} already has an application named ${input.name}`, 'name');
    let clientSecret: string | null = null;
    let secretExpiresAt: number | null = null;
    if (!input.isPublic) {
      clientSecret = newSecret();
      secretExpiresAt = deps.clock.now() + SECRET_LIFETIME_MS;
      await scope.applications.addSecret(created.value.id, {
        digest: digestSecret(clientSecret),
        hint: clientSecret.slice(-4),
        expiresAt: secretExpiresAt,
      });
    }
    await tx.audit.append({
      actor,
      action: 'application.created',
      targetType: 'application',
      targetId: created.value.id,
      namespaceId: namespace.id,
      data: { ...auditData, name: input.name, public: input.isPublic, redirectUris: input.redirectUris },
    });
    return ok({ application: created.value, clientSecret, secretExpiresAt });
  });
}

export interface NewUserInput {
  email: string;
  username?: string | null;
  givenName: string;
  familyName: string;
  password?: string;
  type?: string;
  totpSecret?: string;
  platformAdmin?: boolean;
  /** Any common spelling of a number with its country code; stored in E.164. */
  mobile?: string;
  department?: string;
  operation?: string;
  reportingOfficer?: string;
  companyAddress?: string;
  /** Created pending (a sign-up or invitation not finished yet): it may not sign in until activated. */
  pending?: boolean;
}

export async function createUser(deps: AdministrationDeps, actor: string, input: NewUserInput): Promise<Result<User>> {
  const type = (input.type ?? 'officer') as AccountType;
  if (!ACCOUNT_TYPES.includes(type)) return fail(ErrorCodes.inputInvalid, `type must be one of ${ACCOUNT_TYPES.join(', ')}`, 'type');
  const operation = input.operation as BusinessOperation | undefined;
  if (operation !== undefined && !BUSINESS_OPERATIONS.includes(operation)) {
    return fail(ErrorCodes.inputInvalid, `operation must be one of ${BUSINESS_OPERATIONS.join(', ')}`, 'operation');
  }
  let mobile: string | null = null;
  if (input.mobile !== undefined) {
    mobile = normaliseMobile(input.mobile);
    if (!mobile) return fail(ErrorCodes.inputInvalid, 'mobile must be a mobile number with its country code, such as +65 9123 4567', 'mobile');
  }
  const newUser = {
    email: normaliseEmail(input.email),
    username: input.username?.trim().toLowerCase() || null,
    givenName: input.givenName,
    familyName: input.familyName,
    accountType: type,
    platformRole: input.platformAdmin ? ('admin' as const) : null,
    status: input.pending ? ('pending' as const) : ('active' as const),
    profile: {
      mobile,
      department: input.department ?? null,
      businessOperation: operation ?? null,
      reportingOfficerEmail: input.reportingOfficer !== undefined ? normaliseEmail(input.reportingOfficer) : null,
      companyAddress: input.companyAddress ?? null,
    },
  };
  const problem = checkNewUser(newUser);
  if (problem) return fail(ErrorCodes.inputInvalid, `${problem.field} ${problem.message}`, problem.field);
  // The CLI acts as the platform admin, who may create every type; each type still needs its fields.
  const missing = missingField(type, { email: newUser.email, username: newUser.username, mobile, department: newUser.profile.department });
  if (missing)
    return fail(ErrorCodes.inputInvalid, `${missing} is required for a ${type} account (${ACCOUNT_TYPE_RULES[type].requires.join(', ')})`, missing);
  if (input.password !== undefined) {
    const weak = checkPassword(input.password, [newUser.email, newUser.username]);
    if (weak) return fail(ErrorCodes.passwordTooWeak, `password ${describePasswordProblem(weak)}`, 'password');
  }
  let seed: string | null = null;
  if (input.totpSecret !== undefined) {
    seed = normaliseTotpSeed(input.totpSecret);
    if (!seed) return fail(ErrorCodes.inputInvalid, 'totp secret must be base32 (A–Z, 2–7) of at least 16 characters', 'totpSecret');
  }
  const passwordHash = input.password !== undefined ? await hashPassword(input.password) : null;
  return deps.transaction(async (tx) => {
    const created = await tx.users.create(newUser, { passwordHash });
    if (!created.ok) {
      if (created.conflict === 'mobile') {
        return fail(ErrorCodes.userExists, `${mobile} is already the mobile number of an account`, 'mobile');
      }
      const taken = created.conflict === 'username' ? newUser.username : newUser.email;
      // One identifier, one account: a username may not be another account's e-mail, nor the reverse.
      return fail(ErrorCodes.userExists, `${taken} is already the e-mail or username of an account`, created.conflict);
    }
    if (seed) await tx.users.addTotpFactor(created.value.id, 'Authenticator app', seed);
    await tx.audit.append({
      actor,
      action: 'user.created',
      targetType: 'user',
      targetId: created.value.id,
      data: {
        email: newUser.email,
        type,
        totp: seed !== null,
        platformAdmin: Boolean(input.platformAdmin),
        status: newUser.status,
        ...(mobile ? { mobile } : {}),
        ...(operation ? { operation } : {}),
      },
    });
    return ok(created.value);
  });
}
