import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardedFetch, isSpecialUseAddress, OutboundError, outboundTargetProblem, readBoundedText } from './outbound-http.js';

describe('special-use addresses', () => {
  it('knows loopback, private, link-local and documentation ranges, in both families', () => {
    for (const ip of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      '::',
      'fd00::1',
      'fe80::1',
      '::ffff:10.0.0.1',
      '2001:db8::1',
    ]) {
      expect(isSpecialUseAddress(ip), ip).toBe(true);
    }
    for (const ip of ['20.190.160.2', '172.32.0.1', '8.8.8.8', '2603:1026:3000:150::8', '::ffff:8.8.8.8']) {
      expect(isSpecialUseAddress(ip), ip).toBe(false);
    }
  });

  it('refuses loopback and private targets unless allowed, and odd URLs always', async () => {
    expect(await outboundTargetProblem(new URL('http://127.0.0.1:9/x'), false)).toMatch(/OUTBOUND_ALLOW_PRIVATE/);
    expect(await outboundTargetProblem(new URL('https://[::1]/x'), false)).toMatch(/OUTBOUND_ALLOW_PRIVATE/);
    expect(await outboundTargetProblem(new URL('http://idp.agency.localhost/x'), false)).toMatch(/loopback name/);
    expect(await outboundTargetProblem(new URL('http://127.0.0.1:9/x'), true)).toBeNull();
    expect(await outboundTargetProblem(new URL('https://20.190.160.2/x'), false)).toBeNull();
    expect(await outboundTargetProblem(new URL('file:///etc/passwd'), true)).toMatch(/never called/);
    expect(await outboundTargetProblem(new URL('https://u:p@example.com/'), true)).toMatch(/password/);
  });
});

describe('guarded fetch', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/slow') return void setTimeout(() => res.end('late'), 1000);
      if (req.url === '/moved') {
        res.writeHead(302, { location: 'http://127.0.0.1:9/elsewhere' });
        return void res.end();
      }
      if (req.url === '/big') {
        res.write('x'.repeat(4096));
        return void res.end('x'.repeat(4096));
      }
      res.end('hello');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('refuses a loopback target without OUTBOUND_ALLOW_PRIVATE, before connecting', async () => {
    await expect(guardedFetch({ allowPrivate: false })(`${base}/`)).rejects.toMatchObject({ name: 'OutboundError', reason: 'refused' });
  });

  it('calls it when allowed, and does not follow a redirect', async () => {
    const fetch = guardedFetch({ allowPrivate: true });
    expect(await (await fetch(`${base}/`)).text()).toBe('hello');
    const moved = await fetch(`${base}/moved`);
    expect(moved.status).toBe(302);
    expect(moved.headers.get('location')).toBe('http://127.0.0.1:9/elsewhere');
  });

  it('gives up at the deadline, and names a refused connection', async () => {
    await expect(guardedFetch({ allowPrivate: true, timeoutMs: 200 })(`${base}/slow`)).rejects.toMatchObject({ reason: 'timeout' });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refused = guardedFetch({ allowPrivate: true })(`http://127.0.0.1:${port}/`);
    await expect(refused).rejects.toBeInstanceOf(OutboundError);
    await expect(refused).rejects.toMatchObject({ reason: 'network', message: expect.stringMatching(/ECONNREFUSED/) });
  });

  it('reads a body up to its limit and no further', async () => {
    const fetch = guardedFetch({ allowPrivate: true });
    expect(await readBoundedText(await fetch(`${base}/`), 10)).toBe('hello');
    await expect(readBoundedText(await fetch(`${base}/big`), 1000)).rejects.toMatchObject({ reason: 'too_large' });
  });
});
