/** Directory fixtures made through the same administration flows the CLI uses. */
import { expect } from 'vitest';
import { createApplication, createNamespace, createUser, type NewApplicationInput } from '../../src/flows/administration.js';
import { administrationDeps } from '../../src/cli/demo.js';
import { systemClock } from '../../src/platform/clock.js';
import { givePhone } from './phone.js';
import type { TestServer } from './server.js';

export const PASSWORD = 'Correct-Horse-Battery-9';

export async function namespace(tp: TestServer, name: string) {
  const result = await createNamespace(administrationDeps(tp.server.store, systemClock), 'test', { name, displayName: name });
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

export async function application(tp: TestServer, input: Partial<NewApplicationInput> & { namespace: string; name: string }) {
  const result = await createApplication(administrationDeps(tp.server.store, systemClock), 'test', {
    redirectUris: ['https://app.example.gov.sg/cb'],
    isPublic: false,
    logoutUrl: 'https://app.example.gov.sg/',
    ...input,
  });
  if (!result.ok) throw new Error(result.message);
  return {
    clientId: result.value.application.id,
    clientSecret: result.value.clientSecret ?? undefined,
    redirectUri: result.value.application.redirectUris[0]!,
    application: result.value.application,
  };
}

/** An account with a password and, unless `phone: false`, an enrolled TechPass Authenticator (MFA is mandatory). */
export async function user(tp: TestServer, email: string, extra: { username?: string; password?: string | null; givenName?: string; phone?: boolean } = {}) {
  const result = await createUser(administrationDeps(tp.server.store, systemClock), 'test', {
    email,
    givenName:
      extra.givenName ??
      email
        .split('@')[0]!
        .split(/[._]/)[0]!
        .replace(/^./, (c) => c.toUpperCase()),
    familyName: 'Tester',
    ...(extra.username ? { username: extra.username } : {}),
    ...(extra.password === null ? {} : { password: extra.password ?? PASSWORD }),
  });
  expect(result.ok, result.ok ? '' : result.message).toBe(true);
  if (!result.ok) throw new Error(result.message);
  if (extra.phone !== false) await givePhone(tp, result.value.id, [email, ...(extra.username ? [extra.username] : [])]);
  return result.value;
}
