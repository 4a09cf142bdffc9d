/**
 * The oidc-provider adapter: every model lives in the database (no in-memory
 * state), so any node can continue any session, interaction or grant. Clients
 * are not stored here: the `Client` model reads TechPass applications.
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { ClientDirectory } from '../domain/repositories.js';
import type { Clock } from '../platform/clock.js';
import type { OidcModelStore } from '../persistence/repositories/oidc-models.js';
import { clientMetadata } from './clients.js';

export function adapterFactory(models: OidcModelStore, clients: ClientDirectory, clientSecretMarker: (clientId: string) => string, clock: Clock) {
  return class DatabaseAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      if (this.model === 'Client') throw new Error('clients are managed as TechPass applications');
      await models.upsert(this.model, id, payload as Record<string, unknown>, expiresIn);
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.model === 'Client') {
        const found = await clients.findClient(id);
        return found ? (clientMetadata(found, clientSecretMarker(id), clock.now()) as unknown as AdapterPayload) : undefined;
      }
      return (await models.find(this.model, id)) as AdapterPayload | undefined;
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
