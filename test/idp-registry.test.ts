/**
 * `techpass idp …` as an operator and their scripts use it, against discovery
 * documents served over HTTP on 127.0.0.1: the flags and the JSON contract, the
 * discovery check's verdicts, and refusals that exit non-zero with one line on
 * stderr and change nothing (no provider, no audit event).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from './helpers/cli.js';
import { engine } from './helpers/database.js';
import { startDiscoveryServer, type DiscoveryServer } from './helpers/discovery-server.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { selfSignedCertificate } from './helpers/x509.js';

const SECRET = 'upstream-client-secret-Q2v8~Xk.9';

describe(`idp registry CLI (${engine})`, () => {
  let tp: TestServer;
  let upstream: DiscoveryServer;
  const dir = mkdtempSync(path.join(tmpdir(), 'techpass-idp-'));

  const cli = (args: string[]) => runCli(args, tp.env);
  const ok = async (args: string[]) => {
    const res = await cli([...args, '--json']);
    expect(res.code, res.stderr).toBe(0);
    return res.json as Record<string, unknown>;
  };
  const file = (text: string) => {
    const name = path.join(dir, `${randomUUID()}.pem`);
    writeFileSync(name, text);
    return name;
  };
  const add = (name: string, extra: string[] = []) => [
    'idp',
    'add',
    '--name',
    name,
    '--display-name',
    `Provider ${name}`,
    '--issuer',
    upstream.issuer('good'),
    '--client-id',
    `client-${name}`,
    ...extra,
  ];
  const providers = async () => (await tp.server.store.identityProviders.list()).map((p) => p.name);
  const auditCount = async () => (await tp.server.store.audit.list({ limit: 10_000 })).length;

  /** Refused: exit 1, a JSON error naming the field, one readable line on stderr, and nothing changed. */
  const refusedWithoutChange = async (args: string[], error: string, field?: string) => {
    const [before, events] = [await providers(), await auditCount()];
    const res: CliResult = await cli([...args, '--json']);
    expect(res.code, res.stdout).toBe(1);
    expect(res.json).toMatchObject({ error, ...(field ? { field } : {}) });
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(await providers()).toEqual(before);
    expect(await auditCount()).toBe(events);
    return res;
  };

  beforeAll(async () => {
    upstream = await startDiscoveryServer();
    tp = await startTestServer({ env: { OUTBOUND_ALLOW_PRIVATE: 'true' } });
  });
  afterAll(async () => {
    await tp?.close();
    await upstream?.close();
  });

  describe('add', () => {
    it('registers a provider with a client secret and answers its name and the callback URL to register upstream', async () => {
      const answer = await ok(add('wog-entra', ['--client-secret', SECRET, '--domains', '*.gov.sg, GOV.sg', '--end-session']));
      expect(answer).toEqual({ name: 'wog-entra', callbackUrl: `${tp.issuer}/login/federation/callback` });
      const shown = await ok(['idp', 'show', '--name', 'wog-entra']);
      expect(shown).toMatchObject({
        name: 'wog-entra',
        displayName: 'Provider wog-entra',
        enabled: true,
        issuer: upstream.issuer('good'),
        clientId: 'client-wog-entra',
        clientAuthentication: { method: 'client_secret' },
        domains: ['*.gov.sg', 'gov.sg'],
        scopes: ['openid', 'email', 'profile'],
        claims: { subject: 'sub', email: ['email', 'preferred_username', 'upn'] },
        endSession: true,
        endSessionEndpoint: `${upstream.issuer('good')}/session/end`,
        callbackUrl: `${tp.issuer}/login/federation/callback`,
        metadata: { token_endpoint: `${upstream.issuer('good')}/token`, code_challenge_methods_supported: ['S256'] },
      });
      expect(JSON.stringify(shown)).not.toContain(SECRET);
      const [event] = await tp.server.store.audit.list({ targetId: shown.id as string });
      expect(event).toMatchObject({
        action: 'identity_provider.added',
        targetType: 'identity_provider',
        data: { name: 'wog-entra', clientAuth: 'client_secret' },
      });
      expect(JSON.stringify(event)).not.toContain(SECRET);
    });

    it('registers a provider with our certificate and key for private_key_jwt, scopes and a claim mapping, and never prints the key', async () => {
      const cert = selfSignedCertificate({ commonName: 'techpass at moe', keyType: 'rsa', notAfter: new Date(Date.now() + 365 * 86_400_000) });
      const keyPem = cert.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      const keyBody = keyPem.split('\n')[1]!;
      const res = await cli([
        ...add('moe', ['--cert-pem', file(cert.pem), '--key-pem', file(keyPem), '--domains', 'moe.edu.sg,*.schools.edu.sg']),
        '--scopes',
        'openid email',
        '--claim',
        'subject=oid',
        '--claim',
        'agency=extn.agency',
        '--claim',
        'given-name=given_name,first_name',
      ]);
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout).toContain(`Register this redirect URI at the provider: ${tp.issuer}/login/federation/callback`);
      expect(res.stdout).toContain(`x5t ${cert.x5t}`);
      const shown = await ok(['idp', 'show', '--name', 'moe']);
      expect(shown).toMatchObject({
        clientAuthentication: { method: 'private_key_jwt', certificate: { x5t: cert.x5t, 'x5t#S256': cert.x5tS256, alg: 'RS256' } },
        scopes: ['openid', 'email'],
        claims: { subject: 'oid', agency: ['extn.agency'], givenName: ['given_name', 'first_name'], familyName: ['family_name'] },
        endSession: false,
      });
      const everything = [res.stdout, res.stderr, JSON.stringify(shown), JSON.stringify(await tp.server.store.audit.list({ limit: 10_000 }))].join(
        '\n',
      );
      expect(everything).not.toContain(keyBody);
      expect((await ok(['idp', 'list'])).providers).toHaveLength(2);
    });

    it('warns, but registers, when end-session is asked of a provider that publishes no end_session_endpoint', async () => {
      const res = await cli([
        ...add('nolog', ['--client-secret', SECRET, '--domains', 'nolog.example.sg', '--end-session', '--json']).map((a) =>
          a === upstream.issuer('good') ? upstream.issuer('no-logout') : a,
        ),
      ]);
      expect(res.code, res.stderr).toBe(0);
      expect(res.stderr).toMatch(/warning: end-session is on, but the provider publishes no end_session_endpoint/);
      expect((await ok(['idp', 'remove', '--name', 'nolog'])).removed).toBe(true);
    });
  });

  describe('refusals change nothing', () => {
    it('refuses a missing required flag and an unknown flag', async () => {
      const missing = await cli([
        'idp',
        'add',
        '--name',
        'x-idp',
        '--display-name',
        'X',
        '--client-id',
        'c',
        '--client-secret',
        's',
        '--domains',
        'x.sg',
      ]);
      expect(missing.code).not.toBe(0);
      expect(missing.stderr).toMatch(/required option '--issuer <url>' not specified/);
      const unknown = await cli([...add('x-idp', ['--client-secret', 's', '--domains', 'x.example.sg']), '--tenant', 't']);
      expect(unknown.code).not.toBe(0);
      expect(unknown.stderr).toMatch(/unknown option '--tenant'/);
      expect(await providers()).not.toContain('x-idp');
    });

    it('refuses both a client secret and a certificate, or neither, or half a certificate', async () => {
      const cert = selfSignedCertificate({ notAfter: new Date(Date.now() + 86_400_000) });
      await refusedWithoutChange(
        add('x-idp', ['--client-secret', 's', '--cert-pem', file(cert.pem), '--domains', 'x.example.sg']),
        'input.invalid',
        'clientSecret',
      );
      await refusedWithoutChange(add('x-idp', ['--domains', 'x.example.sg']), 'input.invalid', 'clientSecret');
      await refusedWithoutChange(add('x-idp', ['--cert-pem', file(cert.pem), '--domains', 'x.example.sg']), 'input.invalid', 'keyPem');
    });

    it('refuses a key file that does not exist, a file that is not PEM, and a key that is not the certificate’s', async () => {
      const cert = selfSignedCertificate({ notAfter: new Date(Date.now() + 86_400_000) });
      const otherKey = selfSignedCertificate({ notAfter: new Date(Date.now() + 86_400_000) })
        .privateKey.export({ type: 'pkcs8', format: 'pem' })
        .toString();
      const missingFile = path.join(dir, 'no-such-key.pem');
      const res = await refusedWithoutChange(
        add('x-idp', ['--cert-pem', file(cert.pem), '--key-pem', missingFile, '--domains', 'x.example.sg']),
        'input.invalid',
        'keyPem',
      );
      expect(res.stderr).toContain(`--key-pem: cannot read ${missingFile} (ENOENT)`);
      await refusedWithoutChange(
        add('x-idp', ['--cert-pem', file('hello'), '--key-pem', file(otherKey), '--domains', 'x.example.sg']),
        'certificate.invalid',
        'certPem',
      );
      await refusedWithoutChange(
        add('x-idp', [
          '--cert-pem',
          file(cert.pem),
          '--key-pem',
          file('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n'),
          '--domains',
          'x.example.sg',
        ]),
        'certificate.invalid',
        'keyPem',
      );
      const mismatch = await refusedWithoutChange(
        add('x-idp', ['--cert-pem', file(cert.pem), '--key-pem', file(otherKey), '--domains', 'x.example.sg']),
        'certificate.invalid',
        'keyPem',
      );
      expect(mismatch.stderr).toMatch(/does not go with the certificate/);
    });

    it('refuses bad names, issuers and domains, naming the field', async () => {
      await refusedWithoutChange([...add('X', ['--client-secret', 's', '--domains', 'x.example.sg'])], 'input.invalid', 'name');
      await refusedWithoutChange(add('x-idp', ['--client-secret', 's', '--domains', '*.sg']), 'input.invalid', 'domains');
      await refusedWithoutChange(add('x-idp', ['--client-secret', 's', '--domains', 'not a domain']), 'input.invalid', 'domains');
      const plainHttp = add('x-idp', ['--client-secret', 's', '--domains', 'x.example.sg']).map((a) =>
        a === upstream.issuer('good') ? 'http://idp.example.sg' : a,
      );
      await refusedWithoutChange(plainHttp, 'input.invalid', 'issuer');
      await refusedWithoutChange(
        [...add('x-idp', ['--client-secret', 's', '--domains', 'x.example.sg']), '--claim', 'colour=x'],
        'input.invalid',
        'claims',
      );
      await refusedWithoutChange(
        [...add('x-idp', ['--client-secret', 's', '--domains', 'x.example.sg']), '--scopes', 'email profile'],
        'input.invalid',
        'scopes',
      );
    });

    it('refuses a name taken and a domain another provider serves, including through a wildcard', async () => {
      await refusedWithoutChange(add('wog-entra', ['--client-secret', 's', '--domains', 'x.example.sg']), 'idp.exists', 'name');
      const exact = await refusedWithoutChange(
        add('x-idp', ['--client-secret', 's', '--domains', 'x.example.sg,moe.edu.sg']),
        'idp.domain_taken',
        'domains',
      );
      expect(exact.stderr).toContain('domain moe.edu.sg is already served by provider moe');
      const wildcard = await refusedWithoutChange(add('x-idp', ['--client-secret', 's', '--domains', 'tech.gov.sg']), 'idp.domain_taken', 'domains');
      expect(wildcard.stderr).toContain('domain tech.gov.sg overlaps *.gov.sg, served by provider wog-entra');
      await refusedWithoutChange(add('x-idp', ['--client-secret', 's', '--domains', '*.edu.sg']), 'idp.domain_taken', 'domains');
    });

    it('says what is wrong with the discovery document: unreachable, a 500, HTML, another issuer, no S256', async () => {
      const closedPort = await new Promise<number>((resolve) => {
        const probe = createServer().listen(0, '127.0.0.1', () => {
          const { port } = probe.address() as { port: number };
          probe.close(() => resolve(port));
        });
      });
      const at = (issuer: string) =>
        add('x-idp', ['--client-secret', 's', '--domains', 'x.example.sg']).map((a) => (a === upstream.issuer('good') ? issuer : a));
      const down = await refusedWithoutChange(at(`http://127.0.0.1:${closedPort}`), 'idp.discovery_unreachable', 'issuer');
      expect(down.stderr).toContain(
        `cannot read the discovery document at http://127.0.0.1:${closedPort}/.well-known/openid-configuration: connect ECONNREFUSED`,
      );
      const broken = await refusedWithoutChange(at(upstream.issuer('broken')), 'idp.discovery_unreachable', 'issuer');
      expect(broken.stderr).toContain('HTTP 500');
      const html = await refusedWithoutChange(at(upstream.issuer('html')), 'idp.discovery_not_oidc', 'issuer');
      expect(html.stderr).toContain('it is not JSON (text/html)');
      await refusedWithoutChange(at(upstream.issuer('nothing-here')), 'idp.discovery_not_oidc', 'issuer');
      const mismatch = await refusedWithoutChange(at(upstream.issuer('mismatch')), 'idp.discovery_issuer_mismatch', 'issuer');
      expect(mismatch.stderr).toContain(`names the issuer ${upstream.issuer('someone-else')}, not ${upstream.issuer('mismatch')}`);
      const plain = await refusedWithoutChange(at(upstream.issuer('no-s256')), 'idp.discovery_no_s256', 'issuer');
      expect(plain.stderr).toContain('PKCE with plain, not S256');
      const cert = selfSignedCertificate({ keyType: 'rsa', notAfter: new Date(Date.now() + 86_400_000) });
      const jwt = at(upstream.issuer('secret-only')).flatMap((a) =>
        a === '--client-secret'
          ? ['--cert-pem', file(cert.pem), '--key-pem']
          : a === 's'
            ? [file(cert.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString())]
            : [a],
      );
      await refusedWithoutChange(jwt, 'idp.discovery_client_auth_unsupported', 'certPem');
    });

    it('refuses a loopback issuer when OUTBOUND_ALLOW_PRIVATE is off', async () => {
      const res = await runCli([...add('x-idp', ['--client-secret', 's', '--domains', 'x.example.sg']), '--json'], {
        ...tp.env,
        OUTBOUND_ALLOW_PRIVATE: 'false',
      });
      expect(res.code).toBe(1);
      expect(res.json).toMatchObject({ error: 'idp.discovery_unreachable', message: expect.stringContaining('OUTBOUND_ALLOW_PRIVATE') });
      expect(await providers()).not.toContain('x-idp');
    });

    it('refuses every command on an unknown name', async () => {
      for (const verb of ['show', 'disable', 'enable', 'remove'])
        await refusedWithoutChange(['idp', verb, '--name', 'nobody'], 'idp.not_found', 'name');
      await refusedWithoutChange(['idp', 'update', '--name', 'nobody', '--display-name', 'Nobody'], 'idp.not_found', 'name');
    });
  });
});
