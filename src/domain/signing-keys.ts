/**
 * Signing-key lifecycle. For each algorithm there is one `current` key (signs),
 * one `next` key (published ahead, so relying parties cache it before it signs),
 * and `retired` keys that stay published until every token they signed has expired.
 *
 *   next ──rotate──▶ current ──rotate──▶ retired ──publishUntil passes──▶ (dropped)
 */
export const SIGNING_ALGS = ['ES256', 'RS256'] as const;
export type SigningAlg = (typeof SIGNING_ALGS)[number];
/** ES256 signs by default: several times cheaper than RS256 (see DESIGN §5). */
export const DEFAULT_SIGNING_ALG: SigningAlg = 'ES256';

export type KeyStatus = 'next' | 'current' | 'retired';

export interface SigningKey {
  kid: string;
  alg: SigningAlg;
  status: KeyStatus;
  /** The private JWK, already opened from its sealed form. */
  privateJwk: Record<string, unknown>;
  createdAt: number;
  activatedAt: number | null;
  retiredAt: number | null;
  publishUntil: number | null;
}

const ORDER: Record<KeyStatus, number> = { current: 0, next: 1, retired: 2 };

/**
 * The keys to hand to the provider, in the order it must see them: current keys
 * first (the provider signs with the first match), then next and retired keys,
 * which are marked verify-only so they can never sign.
 */
export function publishedKeys(keys: SigningKey[], now: number): Array<Record<string, unknown>> {
  return keys
    .filter((k) => k.status !== 'retired' || (k.publishUntil ?? 0) > now)
    .sort((a, b) => {
      if (a.alg !== b.alg) return a.alg === DEFAULT_SIGNING_ALG ? -1 : 1;
      return ORDER[a.status] - ORDER[b.status] || b.createdAt - a.createdAt;
    })
    .map((k) => ({
      ...k.privateJwk,
      kid: k.kid,
      alg: k.alg,
      use: 'sig',
      ...(k.status === 'current' ? {} : { key_ops: ['verify'] }),
    }));
}

/** Which (alg, status) keys must be generated so every algorithm has a current and a next key. */
export function missingKeys(keys: SigningKey[]): Array<{ alg: SigningAlg; status: 'current' | 'next' }> {
  const missing: Array<{ alg: SigningAlg; status: 'current' | 'next' }> = [];
  for (const alg of SIGNING_ALGS) {
    for (const status of ['current', 'next'] as const) {
      if (!keys.some((k) => k.alg === alg && k.status === status)) missing.push({ alg, status });
    }
  }
  return missing;
}

export interface RotationPlan {
  retire: Array<{ kid: string; publishUntil: number }>;
  promote: string[];
  /** Algorithms that need a fresh `next` key after the promotion. */
  generateNext: SigningAlg[];
  /** Retired keys whose publication window has closed. */
  drop: string[];
}

/**
 * Rotation: every current key retires (published for `retentionMs` more, the
 * longest lifetime of anything it signed), every next key becomes current, and
 * each algorithm gets a new next key.
 */
export function planRotation(keys: SigningKey[], now: number, retentionMs: number): RotationPlan {
  const plan: RotationPlan = { retire: [], promote: [], generateNext: [], drop: [] };
  for (const alg of SIGNING_ALGS) {
    const next = keys.find((k) => k.alg === alg && k.status === 'next');
    if (!next) continue;
    for (const current of keys.filter((k) => k.alg === alg && k.status === 'current')) {
      plan.retire.push({ kid: current.kid, publishUntil: now + retentionMs });
    }
    plan.promote.push(next.kid);
    plan.generateNext.push(alg);
  }
  plan.drop = keys.filter((k) => k.status === 'retired' && (k.publishUntil ?? 0) <= now).map((k) => k.kid);
  return plan;
}
