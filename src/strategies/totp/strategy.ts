/**
 * TOTP codes from an authenticator app as a credential strategy (possession).
 * `enrol` confirms a new seed with a code from the app and answers the step it
 * used (the flow stores the factor and spends the step); `verify` finds the
 * account's factor a code belongs to, refusing a step already used. Nothing is
 * sent to the person (the app shows the code), so `challenge` is not this
 * strategy's.
 */
import { failed, notResponsible, verified, type CredentialStrategy } from '../../domain/credentials.js';
import { checkTotp } from './totp.js';

export interface StoredTotpFactor {
  id: string;
  seed: string;
  lastUsedStep: number | null;
}

export type TotpFailure = 'wrong_code' | 'reused_code';

export const totpStrategy: CredentialStrategy<
  { seed: string; code: string; now: number },
  { step: number },
  void,
  never,
  { factors: StoredTotpFactor[]; code: string; now: number },
  { factorId: string; step: number },
  TotpFailure
> = {
  id: 'otp',
  kind: 'possession',
  async enrol({ seed, code, now }) {
    const check = checkTotp(seed, code, now, null);
    return check.ok ? verified({ step: check.step }) : failed('wrong_code');
  },
  async challenge() {
    return notResponsible;
  },
  async verify({ factors, code, now }) {
    if (factors.length === 0) return notResponsible;
    let reused = false;
    for (const factor of factors) {
      const check = checkTotp(factor.seed, code, now, factor.lastUsedStep);
      if (check.ok) return verified({ factorId: factor.id, step: check.step });
      reused ||= check.reason === 'reused';
    }
    return failed(reused ? 'reused_code' : 'wrong_code');
  },
};
