/**
 * Storage of one demo upstream, in memory: oidc-provider's adapter contract
 * (example/my_adapter.js) over one Map per upstream. oidc-provider's own memory
 * adapter keeps a single store for the whole process; tests start several
 * upstreams side by side, and each must see only its own sessions and codes.
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';

interface Entry {
  payload: AdapterPayload;
  expiresAt: number;
}

export function memoryStorage(): (model: string) => Adapter {
  const entries = new Map<string, Entry>();
  const read = (key: string): AdapterPayload | undefined => {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      entries.delete(key);
      return undefined;
    }
    // A copy: what oidc-provider changes on a model is stored only when it saves it.
    return structuredClone(entry.payload);
  };

  return (model) => {
    const key = (id: string) => `${model}:${id}`;
    const byIndex = (field: 'uid' | 'userCode', value: string) => {
      for (const [k, entry] of entries) {
        if (k.startsWith(`${model}:`) && entry.payload[field] === value) return read(k);
      }
      return undefined;
    };
    return {
      async upsert(id, payload, expiresIn) {
        entries.set(key(id), { payload: structuredClone(payload), expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : Infinity });
      },
      async find(id) {
        return read(key(id));
      },
      async findByUid(uid) {
        return byIndex('uid', uid);
      },
      async findByUserCode(userCode) {
        return byIndex('userCode', userCode);
      },
      async consume(id) {
        const entry = entries.get(key(id));
        if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id) {
        entries.delete(key(id));
      },
      async revokeByGrantId(grantId) {
        for (const [k, entry] of entries) {
          if (entry.payload.grantId === grantId) entries.delete(k);
        }
      },
    };
  };
}
