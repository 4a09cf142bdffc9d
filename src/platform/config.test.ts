import { describe, expect, it } from 'vitest';
import { isEmbeddedMode, loadConfig } from './config.js';

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

  it('refuses the removed FEDERATED_DOMAINS and says where domains went', () => {
    expect(() => loadConfig({ FEDERATED_DOMAINS: 'wog.gov.sg' })).toThrow(/^FEDERATED_DOMAINS: removed; .*techpass idp add --domains/);
    expect(() => loadConfig({ FEDERATED_DOMAINS: '' })).not.toThrow();
  });

  it('reads TRUST_PROXY as nobody, a hop count, or proxy addresses and ranges, and refuses true', () => {
    expect(loadConfig({}).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'false' }).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY).toEqual({ hops: 2 });
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, fd00::/8,loopback, 192.0.2.7' }).TRUST_PROXY).toEqual({
      proxies: ['10.0.0.0/8', 'fd00::/8', 'loopback', '192.0.2.7'],
    });
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(
      /^TRUST_PROXY: true would believe any client's X-Forwarded-For; write false, the number of proxies/,
    );
    for (const bad of ['10.0.0.0/33', 'proxy.example', '10.0.0.0/8,', '::1/129', '33']) {
      expect(() => loadConfig({ TRUST_PROXY: bad }), bad).toThrow(/^TRUST_PROXY: must be false, the number of proxies/);
    }
  });

  it('never echoes a secret setting', () => {
    try {
      loadConfig({ MASTER_KEY: 'short-secret' });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toMatch(/^MASTER_KEY:/);
      expect((error as Error).message).not.toContain('short-secret');
    }
    expect(() => loadConfig({ METRICS_TOKEN: 'short-token' })).toThrow(/^METRICS_TOKEN: must be a token of at least 32 characters/);
    expect(() => loadConfig({ METRICS_TOKEN: 'short-token' })).not.toThrow(/short-token/);
  });
});

describe('SMS gateway and embedded mode', () => {
  it('reads the SMS gateway settings and hides the auth header in errors', () => {
    const config = loadConfig({ SMS_GATEWAY_URL: 'https://sms.example/send', SMS_GATEWAY_AUTH_HEADER: 'X-Api-Key: k1' });
    expect(config).toMatchObject({ SMS_GATEWAY_URL: 'https://sms.example/send', SMS_GATEWAY_BODY: '{"to":"{to}","text":"{text}"}' });
    expect(() => loadConfig({ SMS_GATEWAY_URL: 'ftp://x' })).toThrow(/^SMS_GATEWAY_URL: /);
    expect(() => loadConfig({ SMS_GATEWAY_URL: 'https://sms.example', SMS_GATEWAY_AUTH_HEADER: 'no colon secret' })).toThrow(
      /^SMS_GATEWAY_AUTH_HEADER: must be a header line, Name: value$/,
    );
    expect(() => loadConfig({ SMS_GATEWAY_AUTH_HEADER: 'X-Api-Key: k1' })).toThrow(/^SMS_GATEWAY_AUTH_HEADER: set SMS_GATEWAY_URL too/);
  });

  it('is embedded on SQLite, on loopback, sending nothing out', () => {
    expect(isEmbeddedMode(loadConfig({}))).toBe(true);
    expect(isEmbeddedMode(loadConfig({ HOST: '::1' }))).toBe(true);
    expect(isEmbeddedMode(loadConfig({ HOST: '0.0.0.0' }))).toBe(false);
    expect(isEmbeddedMode(loadConfig({ SMTP_URL: 'smtp://mail:25' }))).toBe(false);
    expect(isEmbeddedMode(loadConfig({ SMS_GATEWAY_URL: 'https://sms.example/send' }))).toBe(false);
    expect(isEmbeddedMode(loadConfig({ DATABASE_URL: 'postgres://h/db', MASTER_KEY: 'a'.repeat(64) }))).toBe(false);
  });
});
