import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('configuration', () => {
  it('defaults to the embedded mode', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 3000,
      PUBLIC_URL: 'http://localhost:3000',
      DATA_DIR: './data',
      database: { engine: 'sqlite', file: 'data/techpass.db' },
    });
  });

  it('names the wrong setting and what it expects, in one line', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/^PORT: expected number/);
    expect(() => loadConfig({ ACCESS_TOKEN_TTL: '3600' })).toThrow(/^ACCESS_TOKEN_TTL: must be at most 900/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/^DATABASE_URL: /);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://h/db' })).toThrow(/^MASTER_KEY: required with PostgreSQL/);
  });

  it('never echoes a secret setting', () => {
    try {
      loadConfig({ MASTER_KEY: 'short-secret' });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toMatch(/^MASTER_KEY:/);
      expect((error as Error).message).not.toContain('short-secret');
    }
  });
});
