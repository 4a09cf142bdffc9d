/**
 * The management API's authorization matrix: every /api/v1 route, enumerated from the
 * server's own route table (so a route added without an entry here fails this test),
 * called by each kind of caller: anonymous, a plain user, an admin of another
 * namespace, an admin of the namespace concerned, a platform admin. Each call gets a
 * fresh namespace (with an application, a secret and a second admin), so a write
 * allowed to one caller changes nothing another caller sees.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { administrationDeps } from '../src/cli/demo.js';
import { addApplicationCertificate, addApplicationSecret, assignToApplication, updateApplication } from '../src/flows/applications.js';
import { addGroupMember, createGroup } from '../src/flows/groups.js';
import { asNamespaceId, asUserId } from '../src/domain/ids.js';
import { routeTable } from '../src/http/app.js';
import { systemClock } from '../src/platform/clock.js';
import { api, apiToken, person } from './helpers/api.js';
import { engine } from './helpers/database.js';
import { application, namespace, PASSWORD } from './helpers/directory.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { startDiscoveryServer, type DiscoveryServer } from './helpers/discovery-server.js';
import { DEFAULT_CLAIMS } from '../src/domain/identity-providers.js';
import { selfSignedCertificate } from './helpers/x509.js';

const testCertificate = () => selfSignedCertificate({ notAfter: new Date(Date.now() + 30 * 24 * 3600 * 1000) });

type Kind = 'anonymous' | 'user' | 'otherAdmin' | 'thisAdmin' | 'platform';
const KINDS: Kind[] = ['anonymous', 'user', 'otherAdmin', 'thisAdmin', 'platform'];

interface Fixture {
  ns: string;
  clientId: string;
  secretId: string;
  secondAdminId: string;
  /** A pending tenant request of the plain user, and one of the second admin. */
  requestId: string;
  othersRequestId: string;
  /** A fresh active account (with a TOTP factor), a disabled one and one a fraud report put on hold. */
  userId: string;
  factorId: string;
  disabledUserId: string;
  riskyUserId: string;
  /** Unique to this fixture: for bodies that create something. */
  n: number;
  /** A group (`team`) with the second admin as its member; the second admin is also assigned to the application. */
  group: string;
  certificateId: string;
  /** A PEM certificate of its own, to upload. */
  pem: string;
  /** An integrated identity provider of its own (by name), and a name free for one. */
  idp: string;
}
interface Call {
  /** `kind`: the caller, for a route of the caller's own things (a session of theirs the fixture made). */
  path: (f: Fixture, kind: Kind) => string;
  body?: (f: Fixture) => unknown;
  /** Who is allowed (a 2xx answer); everyone else is refused: 401 when anonymous, else 403. */
  allowed: Kind[];
  /** The namespace must own nothing (deleting it). */
  empty?: boolean;
  /**
   * What every signed-in caller gets instead, whatever their role: routes a token cannot
   * use (adding one's own factors needs the portal's fresh sign-in: test/own-factors.test.ts).
   */
  signedInAnswer?: { status: number; code: string };
}

const ADMINS: Kind[] = ['thisAdmin', 'platform'];
const SIGNED_IN: Kind[] = ['user', 'otherAdmin', 'thisAdmin', 'platform'];
const U = '/api/v1/users/:userId';
const A = '/api/v1/namespaces/:namespace/applications/:clientId';
const G = '/api/v1/namespaces/:namespace/groups';
const apps = (f: Fixture) => `/api/v1/namespaces/${f.ns}/applications/${f.clientId}`;
const groups = (f: Fixture) => `/api/v1/namespaces/${f.ns}/groups`;
const IDP = '/api/v1/identity-providers';
let upstream: DiscoveryServer;

/** One entry per route of the management API: `METHOD pattern`. */
const MATRIX: Record<string, Call> = {
  'GET /api/v1/me': { path: () => '/api/v1/me', allowed: ['user', 'otherAdmin', 'thisAdmin', 'platform'] },
  'GET /api/v1/namespaces': { path: () => '/api/v1/namespaces', allowed: ['otherAdmin', 'thisAdmin', 'platform'] },
  'GET /api/v1/namespaces/:namespace': { path: (f) => `/api/v1/namespaces/${f.ns}`, allowed: ADMINS },
  'PATCH /api/v1/namespaces/:namespace': { path: (f) => `/api/v1/namespaces/${f.ns}`, body: () => ({ description: 'changed' }), allowed: ADMINS },
  'DELETE /api/v1/namespaces/:namespace': { path: (f) => `/api/v1/namespaces/${f.ns}`, allowed: ['platform'], empty: true },
  'GET /api/v1/namespaces/:namespace/admins': { path: (f) => `/api/v1/namespaces/${f.ns}/admins`, allowed: ADMINS },
  'POST /api/v1/namespaces/:namespace/admins': {
    path: (f) => `/api/v1/namespaces/${f.ns}/admins`,
    body: () => ({ email: 'user@agency.gov.sg' }),
    allowed: ADMINS,
  },
  'DELETE /api/v1/namespaces/:namespace/admins/:userId': { path: (f) => `/api/v1/namespaces/${f.ns}/admins/${f.secondAdminId}`, allowed: ADMINS },
  'GET /api/v1/namespaces/:namespace/applications': { path: (f) => `/api/v1/namespaces/${f.ns}/applications`, allowed: ADMINS },
  'POST /api/v1/namespaces/:namespace/applications': {
    path: (f) => `/api/v1/namespaces/${f.ns}/applications`,
    body: (f) => ({ name: `Made ${f.n}`, redirectUris: [`https://made${f.n}.example.com/cb`], public: false }),
    allowed: ADMINS,
  },
  [`GET ${A}`]: { path: (f) => `/api/v1/namespaces/${f.ns}/applications/${f.clientId}`, allowed: ADMINS },
  [`PATCH ${A}`]: { path: (f) => `/api/v1/namespaces/${f.ns}/applications/${f.clientId}`, body: () => ({ name: 'Renamed' }), allowed: ADMINS },
  [`DELETE ${A}`]: { path: (f) => `/api/v1/namespaces/${f.ns}/applications/${f.clientId}`, allowed: ADMINS },
  [`GET ${A}/secrets`]: { path: (f) => `/api/v1/namespaces/${f.ns}/applications/${f.clientId}/secrets`, allowed: ADMINS },
  [`POST ${A}/secrets`]: {
    path: (f) => `/api/v1/namespaces/${f.ns}/applications/${f.clientId}/secrets`,
    body: () => ({ name: 'new' }),
    allowed: ADMINS,
  },
  [`DELETE ${A}/secrets/:secretId`]: { path: (f) => `/api/v1/namespaces/${f.ns}/applications/${f.clientId}/secrets/${f.secretId}`, allowed: ADMINS },
  'POST /api/v1/tenant-requests': {
    path: () => '/api/v1/tenant-requests',
    body: (f) => ({ name: `new-${f.ns}`, displayName: 'New', justification: 'needs sign-in' }),
    allowed: SIGNED_IN,
  },
  'GET /api/v1/tenant-requests': { path: () => '/api/v1/tenant-requests', allowed: SIGNED_IN },
  'GET /api/v1/tenant-requests/:id': { path: (f) => `/api/v1/tenant-requests/${f.requestId}`, allowed: ['user', 'platform'] },
  'POST /api/v1/tenant-requests/:id/approve': { path: (f) => `/api/v1/tenant-requests/${f.othersRequestId}/approve`, allowed: ['platform'] },
  'POST /api/v1/tenant-requests/:id/reject': {
    path: (f) => `/api/v1/tenant-requests/${f.othersRequestId}/reject`,
    body: () => ({ reason: 'not now' }),
    allowed: ['platform'],
  },
  'POST /api/v1/tenant-requests/:id/withdraw': { path: (f) => `/api/v1/tenant-requests/${f.requestId}/withdraw`, allowed: ['user'] },
  'GET /api/v1/users': { path: (f) => `/api/v1/users?q=${f.userId}`, allowed: ['otherAdmin', 'thisAdmin', 'platform'] },
  [`GET ${U}`]: { path: (f) => `/api/v1/users/${f.userId}`, allowed: ['platform'] },
  [`PATCH ${U}`]: { path: (f) => `/api/v1/users/${f.userId}`, body: () => ({ department: 'Changed' }), allowed: ['platform'] },
  'GET /api/v1/me/profile': { path: () => '/api/v1/me/profile', allowed: SIGNED_IN },
  'POST /api/v1/me/factor-enrolments': {
    path: () => '/api/v1/me/factor-enrolments',
    body: () => ({ method: 'totp' }),
    allowed: [],
    signedInAnswer: { status: 403, code: 'session.fresh_sign_in_required' },
  },
  'GET /api/v1/me/factor-enrolments/:enrolmentId': {
    path: () => '/api/v1/me/factor-enrolments/flw_unknown',
    allowed: [],
    signedInAnswer: { status: 404, code: 'user.enrolment_not_found' },
  },
  'POST /api/v1/me/factor-enrolments/:enrolmentId/complete': {
    path: () => '/api/v1/me/factor-enrolments/flw_unknown/complete',
    body: () => ({ code: '123456' }),
    allowed: [],
    signedInAnswer: { status: 404, code: 'user.enrolment_not_found' },
  },
  'PATCH /api/v1/me/profile': { path: () => '/api/v1/me/profile', body: (f) => ({ department: `Dept ${f.n}` }), allowed: SIGNED_IN },
  [`POST ${U}/disable`]: { path: (f) => `/api/v1/users/${f.userId}/disable`, body: () => ({ reason: 'matrix' }), allowed: ['platform'] },
  [`POST ${U}/enable`]: { path: (f) => `/api/v1/users/${f.disabledUserId}/enable`, allowed: ['platform'] },
  [`POST ${U}/terminate`]: { path: (f) => `/api/v1/users/${f.userId}/terminate`, body: () => ({ reason: 'matrix' }), allowed: ['platform'] },
  [`POST ${U}/unlock`]: { path: (f) => `/api/v1/users/${f.userId}/unlock`, allowed: ['platform'] },
  [`POST ${U}/end-sessions`]: { path: (f) => `/api/v1/users/${f.userId}/end-sessions`, allowed: ['platform'] },
  [`POST ${U}/clear-risk`]: { path: (f) => `/api/v1/users/${f.riskyUserId}/clear-risk`, allowed: ['platform'] },
  [`POST ${U}/reset-mfa`]: { path: (f) => `/api/v1/users/${f.userId}/reset-mfa`, allowed: ['platform'] },
  [`GET ${U}/factors`]: { path: (f) => `/api/v1/users/${f.userId}/factors`, allowed: ['platform'] },
  [`DELETE ${U}/factors/:factorId`]: { path: (f) => `/api/v1/users/${f.userId}/factors/${f.factorId}`, allowed: ['platform'] },
  'GET /api/v1/namespaces/:namespace/vendors': { path: (f) => `/api/v1/namespaces/${f.ns}/vendors`, allowed: ADMINS },
  'POST /api/v1/namespaces/:namespace/vendors': {
    path: (f) => `/api/v1/namespaces/${f.ns}/vendors`,
    body: (f) => ({
      email: `vendor${f.n}@vendor.example.com`,
      username: `vendor_${f.n}`,
      givenName: `Vendor`,
      familyName: `No ${f.n}`,
      mobile: `+6590${String(f.n).padStart(6, '0')}`,
    }),
    allowed: ADMINS,
  },
  'POST /api/v1/invitations': { path: () => '/api/v1/invitations', body: (f) => ({ email: `invitee${f.n}@example.com` }), allowed: SIGNED_IN },
  [`GET ${G}`]: { path: groups, allowed: ADMINS },
  [`POST ${G}`]: { path: groups, body: (f) => ({ name: `made-${f.ns}` }), allowed: ADMINS },
  [`GET ${G}/:group`]: { path: (f) => `${groups(f)}/${f.group}`, allowed: ADMINS },
  [`PATCH ${G}/:group`]: { path: (f) => `${groups(f)}/${f.group}`, body: (f) => ({ name: `renamed-${f.ns}` }), allowed: ADMINS },
  [`DELETE ${G}/:group`]: { path: (f) => `${groups(f)}/${f.group}`, allowed: ADMINS },
  [`GET ${G}/:group/members`]: { path: (f) => `${groups(f)}/${f.group}/members`, allowed: ADMINS },
  [`POST ${G}/:group/members`]: { path: (f) => `${groups(f)}/${f.group}/members`, body: () => ({ email: 'user@agency.gov.sg' }), allowed: ADMINS },
  [`DELETE ${G}/:group/members/:kind/:id`]: { path: (f) => `${groups(f)}/${f.group}/members/users/${f.secondAdminId}`, allowed: ADMINS },
  [`GET ${A}/assignments`]: { path: (f) => `${apps(f)}/assignments`, allowed: ADMINS },
  [`POST ${A}/assignments`]: { path: (f) => `${apps(f)}/assignments`, body: () => ({ email: 'user@agency.gov.sg' }), allowed: ADMINS },
  [`DELETE ${A}/assignments/:kind/:id`]: { path: (f) => `${apps(f)}/assignments/users/${f.secondAdminId}`, allowed: ADMINS },
  [`GET ${A}/certificates`]: { path: (f) => `${apps(f)}/certificates`, allowed: ADMINS },
  [`POST ${A}/certificates`]: { path: (f) => `${apps(f)}/certificates`, body: (f) => ({ pem: f.pem }), allowed: ADMINS },
  [`DELETE ${A}/certificates/:certificateId`]: { path: (f) => `${apps(f)}/certificates/${f.certificateId}`, allowed: ADMINS },
  'GET /api/v1/keys': { path: () => '/api/v1/keys', allowed: ['platform'] },
  // Read across namespaces by any admin (scoped to theirs); with this namespace named, its admins and platform admins only.
  'GET /api/v1/audit': { path: (f) => `/api/v1/audit?namespace=${f.ns}`, allowed: ADMINS },
  // An action no event has: the export answers no line (the matrix reads JSON answers).
  'GET /api/v1/audit/export': { path: (f) => `/api/v1/audit/export?namespace=${f.ns}&action=none.such`, allowed: ADMINS },
  'GET /api/v1/sign-ins': { path: (f) => `/api/v1/sign-ins?namespace=${f.ns}`, allowed: ADMINS },
  'GET /api/v1/namespaces/:namespace/sign-ins': { path: (f) => `/api/v1/namespaces/${f.ns}/sign-ins`, allowed: ADMINS },
  'GET /api/v1/me/sign-ins': { path: () => '/api/v1/me/sign-ins', allowed: ['user', 'otherAdmin', 'thisAdmin', 'platform'] },
  // A person's own sessions and password: any signed-in caller, for themselves (another person's session is not found: test/my-sessions.test.ts).
  'GET /api/v1/me/sessions': { path: () => '/api/v1/me/sessions', allowed: SIGNED_IN },
  'DELETE /api/v1/me/sessions/:id': { path: (f, kind) => `/api/v1/me/sessions/${ownSession(f, kind)}`, allowed: SIGNED_IN },
  'POST /api/v1/me/sessions/end-others': { path: () => '/api/v1/me/sessions/end-others', allowed: SIGNED_IN },
  // Each caller changes their password once (the matrix calls a route once per caller).
  'POST /api/v1/me/password': {
    path: () => '/api/v1/me/password',
    body: () => ({ current: PASSWORD, password: 'Matrix-Changed-Passphrase-2026' }),
    allowed: SIGNED_IN,
  },
  [`GET ${IDP}`]: { path: () => IDP, allowed: ['platform'] },
  [`POST ${IDP}`]: {
    path: () => IDP,
    body: (f) => ({
      name: `${f.idp}-new`,
      displayName: 'New',
      issuer: upstream.issuer('good'),
      clientId: 'c',
      clientSecret: 's',
      domains: [`new.${f.idp}.example`],
    }),
    allowed: ['platform'],
  },
  [`GET ${IDP}/:id`]: { path: (f) => `${IDP}/${f.idp}`, allowed: ['platform'] },
  [`PATCH ${IDP}/:id`]: { path: (f) => `${IDP}/${f.idp}`, body: () => ({ displayName: 'Changed' }), allowed: ['platform'] },
  [`DELETE ${IDP}/:id`]: { path: (f) => `${IDP}/${f.idp}`, allowed: ['platform'] },
  [`POST ${IDP}/:id/enable`]: { path: (f) => `${IDP}/${f.idp}/enable`, allowed: ['platform'] },
  [`POST ${IDP}/:id/disable`]: { path: (f) => `${IDP}/${f.idp}/disable`, allowed: ['platform'] },
};

/** The uid of the caller's own TechPass session that fixture `f` made. */
const ownSession = (f: Fixture, kind: Kind) => `matrix-${f.n}-${kind}`;

/** The management API's routes as the server registered them (the authenticator API and the OpenAPI document are not its). */
function managementRoutes(tp: TestServer): string[] {
  return routeTable(tp.server.app)
    .filter((r) => r.url.startsWith('/api/v1/') && !r.url.startsWith('/api/v1/authenticator') && r.url !== '/api/v1/openapi.json')
    .flatMap((r) =>
      ([] as string[])
        .concat(r.method)
        .filter((m) => m !== 'HEAD')
        .map((m) => `${m} ${r.url}`),
    )
    .sort();
}

describe(`management API authorization matrix (${engine})`, () => {
  let tp: TestServer;
  const tokens: Partial<Record<Kind, string>> = {};
  const ids: Record<string, string> = {};
  let fixtures = 0;
  const deps = () => administrationDeps(tp.server.store, systemClock);

  async function fixture(empty: boolean): Promise<Fixture> {
    fixtures += 1;
    const ns = await namespace(tp, `m${fixtures}-${engine}`);
    const scope = tp.server.store.forNamespace(asNamespaceId(ns.id));
    await scope.admins.add(ids.thisAdmin as never);
    await scope.admins.add(ids.second as never);
    const requests = tp.server.store.tenantRequests;
    const asked = async (prefix: string, by: string) => {
      const made = await requests.create({
        name: `${prefix}-${ns.name}`,
        displayName: 'Asked',
        description: '',
        justification: 'test',
        requestedBy: by as never,
      });
      if (!made.ok) throw new Error(`tenant request ${prefix}-${ns.name}: ${made.conflict}`);
      return made.value.id;
    };
    const requestIds = { requestId: await asked('mine', ids.user!), othersRequestId: await asked('theirs', ids.second!) };
    // A TechPass session of each signed-in caller, to end through /me/sessions/{id}.
    for (const kind of KINDS.filter((k) => k !== 'anonymous')) {
      const uid = ownSession({ n: fixtures } as Fixture, kind);
      await tp.server.store.oidcModels.upsert(
        'Session',
        `jti-${uid}`,
        { uid, accountId: ids[kind], loginTs: Math.floor(Date.now() / 1000), authorizations: {} },
        3600,
      );
    }
    const accounts = { ...(await targets(fixtures)), ...requestIds, n: fixtures, idp: await identityProvider(fixtures) };
    const none = { group: 'none', certificateId: 'none', pem: '' };
    if (empty) return { ns: ns.name, clientId: 'none', secretId: 'none', secondAdminId: ids.second!, ...none, ...accounts };
    const app = await application(tp, { namespace: ns.name, name: 'Service' });
    const secret = await addApplicationSecret(deps(), 'test', { namespace: ns.name, clientId: app.clientId });
    if (!secret.ok) throw new Error(secret.message);
    const second = await tp.server.store.users.findById(ids.second as never);
    const made = [
      await createGroup(deps(), 'test', { namespace: ns.name, name: 'team' }),
      await addGroupMember(deps(), 'test', { namespace: ns.name, group: 'team', member: { user: second!.email } }),
      await assignToApplication(deps(), 'test', { namespace: ns.name, clientId: app.clientId, assignee: { user: second!.email } }),
    ];
    for (const done of made) if (!done.ok) throw new Error(done.message);
    const certificate = await addApplicationCertificate(deps(), 'test', { namespace: ns.name, clientId: app.clientId, pem: testCertificate().pem });
    if (!certificate.ok) throw new Error(certificate.message);
    return {
      ns: ns.name,
      clientId: app.clientId,
      secretId: secret.value.secret.id,
      secondAdminId: ids.second!,
      group: 'team',
      certificateId: certificate.value.id,
      pem: testCertificate().pem,
      ...accounts,
    };
  }

  /** A fixture's integrated identity provider, serving a domain of its own. */
  async function identityProvider(n: number): Promise<string> {
    const name = `idp-m${n}`;
    const issuer = upstream.issuer('good');
    const created = await tp.server.store.identityProviders.create({
      settings: {
        name,
        displayName: name,
        issuer,
        clientId: 'c',
        scopes: ['openid'],
        domains: [`${name}.example`],
        claims: DEFAULT_CLAIMS,
        endSession: false,
      },
      credentials: { method: 'client_secret', clientSecret: 's' },
      metadata: { issuer, authorization_endpoint: `${issuer}/auth`, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks` },
      enabled: true,
    });
    if (!created.ok) throw new Error(`identity provider ${name}: ${created.conflict}`);
    return name;
  }

  /** The accounts a fixture's user routes act on: active (with a TOTP factor), disabled, high risk. */
  async function targets(n: number) {
    const users = tp.server.store.users;
    const made: Record<'userId' | 'disabledUserId' | 'riskyUserId', string> = { userId: '', disabledUserId: '', riskyUserId: '' };
    for (const [key, status] of [
      ['userId', 'active'],
      ['disabledUserId', 'disabled'],
      ['riskyUserId', 'high_risk'],
    ] as const) {
      const created = await users.create(
        {
          email: `${key.toLowerCase()}${n}-${engine}@agency.gov.sg`,
          username: null,
          givenName: 'Target',
          familyName: `${n}`,
          accountType: 'officer',
          status,
        },
        { passwordHash: null },
      );
      if (!created.ok) throw new Error(created.conflict);
      made[key] = created.value.id;
    }
    const factorId = await users.addTotpFactor(asUserId(made.userId), 'Matrix app', 'JBSWY3DPEHPK3PXPJBSWY3DP');
    return { ...made, factorId };
  }

  beforeAll(async () => {
    upstream = await startDiscoveryServer();
    tp = await startTestServer({ env: { OUTBOUND_ALLOW_PRIVATE: 'true' } });
    await namespace(tp, 'ops');
    await namespace(tp, 'other');
    const console_ = await application(tp, { namespace: 'ops', name: 'Console', isPublic: true, redirectUris: ['http://127.0.0.1/cb'] });
    expect((await updateApplication(deps(), 'test', { namespace: 'ops', clientId: console_.clientId, changes: { managementApi: true } })).ok).toBe(
      true,
    );
    const people: Array<[Exclude<Kind, 'anonymous'>, string, boolean]> = [
      ['user', 'user@agency.gov.sg', false],
      ['otherAdmin', 'other@agency.gov.sg', false],
      ['thisAdmin', 'this@agency.gov.sg', false],
      ['platform', 'root@agency.gov.sg', true],
    ];
    for (const [kind, email, platformAdmin] of people) {
      const created = await person(tp, email, { platformAdmin });
      ids[kind] = created.id;
    }
    ids.second = (await person(tp, 'second@agency.gov.sg')).id;
    const other = await tp.server.store.namespaces.findByName('other');
    await tp.server.store.forNamespace(other!.id).admins.add(ids.otherAdmin as never);
    for (const [kind, email] of people) tokens[kind] = await apiToken(tp, console_, email);
  }, 60_000);
  afterAll(async () => {
    await tp?.close();
    await upstream?.close();
  });

  it('has an entry for every /api/v1 route of the route table, and no entry for a route that does not exist', () => {
    const routes = managementRoutes(tp);
    expect(routes.length).toBeGreaterThan(10);
    expect(routes).toEqual(Object.keys(MATRIX).sort());
  });

  it('allows each route to exactly the callers it names, and refuses the others (401 anonymous, 403 signed in)', async () => {
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const route of managementRoutes(tp)) {
      const call = MATRIX[route]!;
      const method = route.split(' ')[0]!;
      for (const kind of KINDS) {
        const f = await fixture(call.empty ?? false);
        const answer = await api(tp, method, call.path(f, kind), {
          token: tokens[kind],
          ...(call.body ? { body: call.body(f) } : {}),
          headers: { 'if-match': '*' },
        });
        const allowed = call.allowed.includes(kind);
        const instead = kind === 'anonymous' ? undefined : call.signedInAnswer;
        const refusal = kind === 'anonymous' ? 401 : 403;
        outcomes.push(`${route} as ${kind}: ${answer.status >= 200 && answer.status < 300 ? 'allowed' : answer.status}`);
        expected.push(`${route} as ${kind}: ${allowed ? 'allowed' : (instead?.status ?? refusal)}`);
        if (instead) expect(answer.body.error.code, `${route} as ${kind}`).toBe(instead.code);
        else if (!allowed) expect(answer.body.error.code, `${route} as ${kind}`).toMatch(/^(api\.token_invalid|access\.forbidden)$/);
      }
    }
    expect(outcomes).toEqual(expected);
  }, 300_000);
});
