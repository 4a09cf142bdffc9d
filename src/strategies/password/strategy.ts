/**
 * The password as a credential strategy (knowledge). `enrol` checks a new
 * password against the policy and answers its hash (the flow stores it);
 * `verify` checks one against the stored hash. There is nothing to send, so
 * `challenge` is not this strategy's. With no stored hash, `verify` still does
 * one argon2 verification (against a dummy), so timing tells nothing.
 */
import { failed, notResponsible, verified, type CredentialStrategy } from '../../domain/credentials.js';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './hash.js';
import { checkPassword, describePasswordProblem, type PasswordProblem } from './policy.js';

export type PasswordFailure = PasswordProblem | 'wrong_password';

export const passwordStrategy: CredentialStrategy<
  { password: string; identifiers: Array<string | null | undefined> },
  { hash: string },
  void,
  never,
  { hash: string | null; password: string },
  true,
  PasswordFailure
> = {
  id: 'pwd',
  kind: 'knowledge',
  async enrol({ password, identifiers }) {
    const weak = checkPassword(password, identifiers);
    return weak ? failed(weak) : verified({ hash: await hashPassword(password) });
  },
  async challenge() {
    return notResponsible;
  },
  async verify({ hash, password }) {
    if (!hash) {
      await verifyAgainstDummy(password);
      return notResponsible;
    }
    return (await verifyPassword(hash, password)) ? verified(true as const) : failed('wrong_password');
  },
};

/** Says why a password was refused, to finish a sentence ("the password …"). */
export function describePasswordFailure(failure: PasswordFailure): string {
  return failure === 'wrong_password' ? 'is not correct' : describePasswordProblem(failure);
}
