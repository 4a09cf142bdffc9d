/** Accounts as the provider sees them: the claims released for a user. */
import type { Account, KoaContextWithOIDC } from 'oidc-provider';
import { asUserId } from '../domain/ids.js';
import type { UserRepository } from '../domain/repositories.js';
import { techpassId } from '../domain/users.js';

export const CLAIMS = {
  openid: ['sub'],
  profile: ['name', 'given_name', 'family_name', 'preferred_username'],
  email: ['email', 'email_verified'],
};

export function accountFinder(users: UserRepository) {
  return async (_ctx: KoaContextWithOIDC, sub: string): Promise<Account | undefined> => {
    const user = await users.findById(asUserId(sub));
    if (!user || user.status !== 'active') return undefined;
    return {
      accountId: user.id,
      async claims() {
        return {
          sub: user.id,
          name: `${user.givenName} ${user.familyName}`,
          given_name: user.givenName,
          family_name: user.familyName,
          preferred_username: techpassId(user),
          email: user.email,
          email_verified: true,
        };
      },
    };
  };
}
