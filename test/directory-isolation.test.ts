/**
 * Tenant isolation of groups, memberships, assignments and application credentials:
 * the database refuses a reference across namespaces (composite foreign keys), and
 * a namespace scope cannot read or change another namespace's rows. Also the group
 * limit under concurrent creation. Runs on both engines, against the store itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Application } from '../src/domain/directory.js';
import { MAX_GROUPS_PER_NAMESPACE, type Group } from '../src/domain/groups.js';
import type { Namespace } from '../src/domain/directory.js';
import type { User } from '../src/domain/users.js';
import { systemClock } from '../src/platform/clock.js';
import { MasterKey } from '../src/platform/secrets.js';
import { createStore, openDatabase, type Database, type Store } from '../src/persistence/store.js';
import { engine, freshDatabaseTarget } from './helpers/database.js';

describe(`directory isolation (${engine})`, () => {
  let database: Database;
  let store: Store;
  let a: { ns: Namespace; app: Application; group: Group };
  let b: { ns: Namespace; app: Application; group: Group };
  let user: User;

  const tenant = async (name: string) => {
    const created = await store.namespaces.create({ name, displayName: name, description: '' });
    if (!created.ok) throw new Error(created.conflict);
    const scope = store.forNamespace(created.value.id);
    const app = await scope.applications.create({ name: `${name} app`, redirectUris: ['https://app.example.gov.sg/cb'], isPublic: false });
    const group = await scope.groups.create({ name: 'readers', description: '' }, MAX_GROUPS_PER_NAMESPACE);
    if (!app.ok || !group.ok) throw new Error('fixture');
    return { ns: created.value, app: app.value, group: group.value };
  };

  beforeAll(async () => {
    database = openDatabase(await freshDatabaseTarget());
    store = createStore(database, systemClock, MasterKey.generate());
    await store.migrate();
    a = await tenant('alpha');
    b = await tenant('bravo');
    const created = await store.users.create(
      { email: 'ann@agency.gov.sg', username: null, givenName: 'Ann', familyName: 'Lim', accountType: 'officer' },
      { passwordHash: null },
    );
    if (!created.ok) throw new Error(created.conflict);
    user = created.value;
  });
  afterAll(() => store?.close());

  const now = Date.now();

  it("the database refuses assigning another namespace's group to an application (composite foreign key)", async () => {
    await expect(
      database.db
        .insertInto('application_group_assignments')
        .values({ namespace_id: a.ns.id, application_id: a.app.id, group_id: b.group.id, created_at: now })
        .execute(),
    ).rejects.toThrow(/foreign key/i);
  });

  it("the database refuses a user assignment that names another namespace's application", async () => {
    await expect(
      database.db
        .insertInto('application_user_assignments')
        .values({ namespace_id: a.ns.id, application_id: b.app.id, user_id: user.id, created_at: now })
        .execute(),
    ).rejects.toThrow(/foreign key/i);
  });

  it("the database refuses nesting another namespace's group", async () => {
    await expect(
      database.db
        .insertInto('group_group_members')
        .values({ namespace_id: a.ns.id, group_id: a.group.id, member_group_id: b.group.id, created_at: now })
        .execute(),
    ).rejects.toThrow(/foreign key/i);
  });

  it("the database refuses a certificate for another namespace's application", async () => {
    await expect(
      database.db
        .insertInto('application_certificates')
        .values({
          namespace_id: a.ns.id,
          id: 'crt_x',
          application_id: b.app.id,
          pem: '',
          thumbprint_sha1: 'x',
          thumbprint_sha256: 'y',
          public_jwk: '{}',
          not_before: 0,
          not_after: now,
          created_at: now,
        })
        .execute(),
    ).rejects.toThrow(/foreign key/i);
  });

  it("a namespace scope cannot assign another namespace's group or application", async () => {
    const scopeA = store.forNamespace(a.ns.id);
    expect(await scopeA.assignments.assignGroup(a.app.id, b.group.id)).toEqual({ ok: false, missing: 'group' });
    expect(await scopeA.assignments.assignGroup(b.app.id, a.group.id)).toEqual({ ok: false, missing: 'application' });
    expect(await scopeA.assignments.assignUser(b.app.id, user.id)).toEqual({ ok: false, missing: 'application' });
    expect(await scopeA.groups.addGroup(a.group.id, b.group.id)).toEqual({ ok: false, missing: 'member' });
    expect(await scopeA.groups.addUser(b.group.id, user.id)).toEqual({ ok: false, missing: 'group' });
    const rows = await database.db.withoutPlugins().selectFrom('application_group_assignments').selectAll().execute();
    expect(rows).toEqual([]);
  });

  it("a namespace scope cannot read or change another namespace's groups, memberships or access facts", async () => {
    const scopeB = store.forNamespace(b.ns.id);
    expect(await store.forNamespace(a.ns.id).groups.addUser(a.group.id, user.id)).toEqual({ ok: true, added: true });
    expect(await store.forNamespace(a.ns.id).assignments.assignGroup(a.app.id, a.group.id)).toEqual({ ok: true, added: true });
    expect(await scopeB.groups.get(a.group.id)).toBeNull();
    expect((await scopeB.groups.list()).map((g) => g.id)).toEqual([b.group.id]);
    expect(await scopeB.groups.directGroupsOf(user.id)).toEqual([]);
    expect(await scopeB.assignments.accessFacts(a.app.id, user.id)).toEqual({ userAssigned: false, directGroups: [], assignedGroupIds: [] });
    expect(await store.forNamespace(a.ns.id).assignments.accessFacts(a.app.id, user.id)).toEqual({
      userAssigned: false,
      directGroups: [{ id: a.group.id, name: 'readers' }],
      assignedGroupIds: [a.group.id],
    });
  });

  it("a namespace scope cannot read or change another namespace's application, secrets or certificates", async () => {
    const scopeA = store.forNamespace(a.ns.id);
    const scopeB = store.forNamespace(b.ns.id);
    const secret = await scopeA.applications.addSecret(a.app.id, { digest: 'd', hint: 'h', expiresAt: now + 1000 });
    expect(await scopeB.applications.get(a.app.id)).toBeNull();
    expect(await scopeB.applications.update(a.app.id, { signInEnabled: false })).toBeNull();
    expect(await scopeB.applications.listSecrets(a.app.id)).toEqual([]);
    expect(await scopeB.applications.setSecretExpiry(a.app.id, secret.id, 0)).toBe(false);
    expect(await scopeB.applications.listCertificates(a.app.id)).toEqual([]);
    expect((await scopeA.applications.get(a.app.id))?.signInEnabled).toBe(true);
    expect((await scopeA.applications.listSecrets(a.app.id))[0]?.expiresAt).toBe(now + 1000);
  });

  it(`never lets concurrent creations pass ${MAX_GROUPS_PER_NAMESPACE} groups in a namespace`, async () => {
    const c = await tenant('charlie');
    for (let i = 1; i < MAX_GROUPS_PER_NAMESPACE - 2; i += 1) {
      const created = await store.forNamespace(c.ns.id).groups.create({ name: `g${i}`, description: '' }, MAX_GROUPS_PER_NAMESPACE);
      expect(created.ok).toBe(true);
    }
    // 48 groups now; eight racing creations, each in its own transaction, leave exactly 50.
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        store.transaction((tx) => tx.forNamespace(c.ns.id).groups.create({ name: `race${i}`, description: '' }, MAX_GROUPS_PER_NAMESPACE)),
      ),
    );
    expect(answers.filter((r) => r.ok)).toHaveLength(2);
    expect(answers.filter((r) => !r.ok && r.conflict === 'limit')).toHaveLength(6);
    expect(await store.forNamespace(c.ns.id).groups.list()).toHaveLength(MAX_GROUPS_PER_NAMESPACE);
  });
});
