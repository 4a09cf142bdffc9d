/**
 * A flow is a stored object (sign-in, sign-up, recovery…): its kind, state,
 * the assurance it must reach, the methods done so far and server-only context.
 * It changes only through its kind's `transition` function; `version` lets the
 * store refuse a stale write (a push approval and a TOTP code arriving together
 * cannot both win).
 */
import type { UserId } from '../ids.js';

export interface Flow<State extends string, Context> {
  id: string;
  kind: string;
  state: State;
  interactionUid: string | null;
  userId: UserId | null;
  requestedAal: number;
  methodsDone: string[];
  context: Context;
  csrf: string;
  expiresAt: number;
  version: number;
  createdAt: number;
  updatedAt: number;
}

export type Transition<F> = { ok: true; flow: F } | { ok: false; reason: 'not_allowed' | 'expired' };

export interface FlowRepository {
  create<F extends Flow<string, unknown>>(flow: F): Promise<void>;
  findByInteraction(uid: string): Promise<Flow<string, unknown> | null>;
  find(id: string): Promise<Flow<string, unknown> | null>;
  /** Saves `flow` only if nobody saved it since it was read; answers whether it won. */
  save(flow: Flow<string, unknown>): Promise<boolean>;
}
