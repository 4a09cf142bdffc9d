/**
 * The oidc-provider adapter: every model lives in the database (no in-memory
 * state), so any node can continue any session, interaction or grant. Clients
 * are not stored here: the `Client` model reads TechPass applications.
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { ClientDirectory, ClientRecord } from '../domain/repositories.js';
import type { Clock } from '../platform/clock.js';
import type { OidcModelStore } from '../persistence/repositories/oidc-models.js';
import { fastSpreadable } from './accounts.js';
import { clientMetadata, type TechpassClientMetadata } from './clients.js';

/** When the metadata of `record` next changes by itself: a certificate or secret starting or ending its validity. */
function nextChange(record: ClientRecord, now: number): number {
  const moments = [...record.certificates.flatMap((c) => [c.notBefore, c.notAfter]), ...record.secrets.map((s) => s.expiresAt)].filter(
    (t) => t > now,
  );
  return Math.min(Infinity, ...moments);
}

/** How long an expired device code is kept, to be answered as expired. */
const DEVICE_CODE_GRACE_SECONDS = 3600;

export function adapterFactory(models: OidcModelStore, clients: ClientDirectory, clientSecretMarker: (clientId: string) => string, clock: Clock) {
  // Client records come from a per-node cache; the metadata made of one is kept with it
  // until a certificate or secret in it starts or stops being live (provider.Client.find
  // then also finds the Client it built from the same metadata).
  const built = new WeakMap<ClientRecord, { metadata: TechpassClientMetadata; from: number; until: number }>();
  const metadataOf = (record: ClientRecord, clientId: string): TechpassClientMetadata => {
    const now = clock.now();
    let entry = built.get(record);
    if (!entry || now < entry.from || now >= entry.until) {
      entry = { metadata: clientMetadata(record, clientSecretMarker(clientId), now), from: now, until: nextChange(record, now) };
      built.set(record, entry);
    }
    return entry.metadata;
  };

  return class DatabaseAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      if (this.model === 'Client') throw new Error('clients are managed as TechPass applications');
      // A device code is kept an hour past its expiry (its payload's `exp` still says when it
      // expired), so a late poll learns `expired_token` and a late person "this code has expired"
      // rather than "not found" (RFC 8628 §3.5; device-flow.ts).
      const keep = this.model === 'DeviceCode' ? expiresIn + DEVICE_CODE_GRACE_SECONDS : expiresIn;
      await models.upsert(this.model, id, payload as Record<string, unknown>, keep);
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.model === 'Client') {
        const found = await clients.findClient(id);
        return found ? (metadataOf(found, id) as unknown as AdapterPayload) : undefined;
      }
      const payload = await models.find(this.model, id);
      // An opaque token's extra claims go into its introspection answer by spreading (accounts.ts).
      if (payload && typeof payload.extra === 'object' && payload.extra !== null) fastSpreadable(payload.extra);
      return payload as AdapterPayload | undefined;
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return (await models.findByUserCode(this.model, userCode)) as AdapterPayload | undefined;
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return (await models.findByUid(this.model, uid)) as AdapterPayload | undefined;
    }

    async consume(id: string): Promise<void> {
      await models.consume(this.model, id);
    }

    async destroy(id: string): Promise<void> {
      await models.destroy(this.model, id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await models.revokeByGrantId(grantId);
    }
  };
}
