/**
 * The invitation storage's guarantees, on both engines: a new invitation to an address
 * replaces the unfinished one, two registrations racing on one link cannot both use it,
 * a link is used only while live, and an expired link is reported once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/platform/clock.js';
import { MasterKey } from '../src/platform/secrets.js';
import { createStore, openDatabase, type Store } from '../src/persistence/store.js';
import type { User } from '../src/domain/users.js';
import { engine, freshDatabaseTarget } from './helpers/database.js';

describe(`invitation storage (${engine})`, () => {
  let store: Store;
  let inviter: User;
  let invitee: User;
  const clock = new ManualClock(Date.UTC(2026, 11, 1));
  beforeAll(async () => {
    store = createStore(openDatabase(await freshDatabaseTarget()), clock, MasterKey.generate());
    await store.migrate();
    const made = await store.users.create(
      { email: 'inviter@agency.gov.sg', username: null, givenName: 'In', familyName: 'Viter', accountType: 'officer' },
      { passwordHash: null },
    );
    const other = await store.users.create(
      { email: 'invitee@partner.example.com', username: 'invitee', givenName: 'In', familyName: 'Vitee', accountType: 'officer' },
      { passwordHash: null },
    );
    if (!made.ok || !other.ok) throw new Error('fixture');
    inviter = made.value;
    invitee = other.value;
  });
  afterAll(() => store?.close());

  const create = (email: string, expiresAt = clock.now() + 1000) =>
    store.transaction((tx) => tx.invitations.create({ email, invitedBy: inviter.id, digest: 'd', expiresAt }));

  it('replaces an unfinished invitation to the same address, and only that one', async () => {
    const first = await create('a@partner.example.com');
    const elsewhere = await create('b@partner.example.com');
    const second = await create('a@partner.example.com');
    expect(first.ok && second.ok && elsewhere.ok).toBe(true);
    if (!first.ok || !second.ok || !elsewhere.ok) return;
    expect(first.value.replaced).toBe(0);
    expect(second.value.replaced).toBe(1);
    expect((await store.invitations.find(first.value.id))?.replacedAt).toBe(clock.now());
    expect((await store.invitations.find(elsewhere.value.id))?.replacedAt).toBeNull();
    // The replaced link can no longer be used; the new one can, once, even with two at once.
    expect(await store.invitations.complete(first.value.id, invitee.id)).toBe(false);
    const racing = await Promise.all([
      store.invitations.complete(second.value.id, invitee.id),
      store.invitations.complete(second.value.id, invitee.id),
    ]);
    expect(racing.filter(Boolean)).toHaveLength(1);
    expect(await store.invitations.saveDraft(second.value.id, { values: {}, problems: {} })).toBe(false);
    // A completed invitation is not replaced by a later one.
    const third = await create('a@partner.example.com');
    expect(third.ok && third.value.replaced).toBe(0);
  });

  it('uses a link only while live, and reports an expired one once', async () => {
    const made = await create('late@partner.example.com', clock.now() + 5000);
    if (!made.ok) throw new Error('fixture');
    expect(await store.invitations.saveDraft(made.value.id, { values: { givenName: 'Late' }, problems: { mobile: 'bad' } })).toBe(true);
    expect((await store.invitations.find(made.value.id))?.draft).toEqual({ values: { givenName: 'Late' }, problems: { mobile: 'bad' } });
    expect((await store.invitations.expiredUnnotified(10)).map((i) => i.id)).not.toContain(made.value.id);
    clock.advance(5000);
    expect(await store.invitations.complete(made.value.id, invitee.id)).toBe(false);
    expect((await store.invitations.expiredUnnotified(10)).map((i) => i.id)).toContain(made.value.id);
    const told = await Promise.all([store.invitations.markExpiryNotified(made.value.id), store.invitations.markExpiryNotified(made.value.id)]);
    expect(told.filter(Boolean)).toHaveLength(1);
    expect((await store.invitations.expiredUnnotified(10)).map((i) => i.id)).not.toContain(made.value.id);
  });
});
