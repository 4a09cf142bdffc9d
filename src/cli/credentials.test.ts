import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chosenServer, credentialsPath, normaliseServer, readCredentials, updateServer } from './credentials.js';

const entry = {
  clientId: 'techpass-cli',
  accessToken: 'a',
  refreshToken: 'r',
  expiresAt: 1,
  tokenEndpoint: 't',
  revocationEndpoint: null,
  email: null,
};

describe('CLI credentials', () => {
  const saved = process.env.TECHPASS_CONFIG_DIR;
  afterEach(() => {
    if (saved === undefined) delete process.env.TECHPASS_CONFIG_DIR;
    else process.env.TECHPASS_CONFIG_DIR = saved;
  });

  it('accepts https servers, and http only to this machine', () => {
    expect(normaliseServer('https://tp.example.gov.sg/')).toBe('https://tp.example.gov.sg');
    expect(normaliseServer('https://tp.example.gov.sg/idp/')).toBe('https://tp.example.gov.sg/idp');
    for (const local of ['http://localhost:3000', 'http://127.0.0.1:3000', 'http://[::1]:3000']) expect(normaliseServer(local)).toBe(local);
    for (const bad of [
      'http://tp.example.gov.sg',
      'http://10.0.0.1',
      'ftp://x',
      'not a url',
      'https://u:p@tp.example.gov.sg',
      'https://tp.example.gov.sg/?x=1',
    ]) {
      expect(() => normaliseServer(bad)).toThrow(expect.objectContaining({ code: 'input.invalid', field: 'server' }));
    }
  });

  it('picks --server URL, then --server alone (the default), then TECHPASS_SERVER, else local', () => {
    process.env.TECHPASS_CONFIG_DIR = mkdtempSync(path.join(tmpdir(), 'tp-cred-'));
    expect(chosenServer(undefined, {})).toBeNull();
    expect(chosenServer(undefined, { TECHPASS_SERVER: 'https://env.example.gov.sg' })).toBe('https://env.example.gov.sg');
    expect(() => chosenServer(true, {})).toThrow(expect.objectContaining({ code: 'login.required' }));
    updateServer('https://a.example.gov.sg', entry, { makeDefault: true });
    updateServer('https://b.example.gov.sg', entry);
    expect(chosenServer(true, { TECHPASS_SERVER: 'https://env.example.gov.sg' })).toBe('https://a.example.gov.sg');
    expect(chosenServer('https://c.example.gov.sg', { TECHPASS_SERVER: 'https://env.example.gov.sg' })).toBe('https://c.example.gov.sg');
    expect(statSync(credentialsPath()).mode & 0o777).toBe(0o600);
    // Forgetting the default falls back to another signed-in server.
    expect(updateServer('https://a.example.gov.sg', null).default).toBe('https://b.example.gov.sg');
    expect(Object.keys(readCredentials().servers)).toEqual(['https://b.example.gov.sg']);
  });
});
