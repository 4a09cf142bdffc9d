/**
 * `npm run bench`: TechPass against vanilla oidc-provider and a bare node:http server, in
 * one run, on one core each (taskset -c 0); the load generator (this process) on the other.
 *
 *   npm run bench                       1,000,000 users, 20 s per scenario, 3 rounds, median
 *   npm run bench -- --quick            1,000 users, 3 s, 1 round (a smoke run, < 3 minutes)
 *   npm run bench -- --help             every option (bench/options.mjs), e.g. --engine postgres,
 *                                       --only sign_in --cpu-prof to profile one scenario (a run
 *                                       with --only is kept out of the chart and of the 1k-against-1M comparison)
 *
 * Number matching (scenario 6) runs a second TechPass process for the phones: see
 * number-matching.mjs.
 *
 * Each scenario is warmed up, then measured `rounds` times, TechPass and its baseline
 * alternating so both see the same machine; the median of each figure is reported, with
 * the ratio to the baseline. Prints a table on stdout, writes bench/results/<stamp>.json and
 * bench/results/chart.svg (from every result file), and progress on stderr.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, randomBytes, randomInt, sign } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeChart } from './chart.mjs';
import { basic, closedLoop, form, FORM, hammer, latencySummary, paced, signInDriver } from './load.mjs';
import { numberMatching, PUSH_USERS } from './number-matching.mjs';
import { benchOptions, SCENARIOS } from './options.mjs';
import { evaluateTargets, fmt, median, mid, table } from './report.mjs';
import { email, PASSWORD, prepareDatabase, REDIRECT_URI } from './seed.mjs';
import { cpuSeconds, freePort, ROOT, rssMb, startPinned, techpassEnv } from './servers.mjs';

const { engine, users, duration, rounds, warmup, connections, cpuProf, only, runs } = benchOptions();
const SIGN_IN_CLIENTS = 8;

const t0 = Date.now();
const log = (line) => process.stderr.write(`[bench ${String(Math.round((Date.now() - t0) / 1000)).padStart(4)} s] ${line}\n`);

// The load generator (this process, all its threads) on core 1; servers go on core 0.
// PostgreSQL, started by prepareDatabase after this, inherits core 1: core 0 holds TechPass alone.
spawnSync('taskset', ['-a', '-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });

const database = await prepareDatabase({ engine, users }, log);
const processes = [];
const stopAll = () => Promise.all(processes.map((p) => p.stop())).then(() => database.stop());
process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));

try {
  const results = await measureEverything();
  const file = path.join(ROOT, 'bench', 'results', `${results.date.replace(/[:.]/g, '-')}-${results.engine}-${results.users}.json`);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(results, null, 2));
  const chart = writeChart(path.join(ROOT, 'bench', 'results', 'chart.svg'));
  console.log(table(results));
  log(`results in ${path.relative(ROOT, file)}, chart in ${path.relative(ROOT, chart)}; total ${Math.round((Date.now() - t0) / 1000)} s`);
} finally {
  await stopAll();
}

async function measureEverything() {
  log('starting TechPass, vanilla oidc-provider and bare node:http on core 0');
  const tpPort = await freePort();
  // With --cpu-prof TechPass and vanilla each write their profiles (one per thread) to bench/results/profiles-<name>/.
  const profile = (name) => (cpuProf ? ['--cpu-prof', '--cpu-prof-dir', path.join(ROOT, 'bench', 'results', `profiles-${name}`)] : []);
  const tp = await startPinned('techpass', [...profile('techpass'), 'bin/techpass.js', 'serve'], techpassEnv(database, tpPort), {
    core: 0,
    url: `http://127.0.0.1:${tpPort}`,
  });
  processes.push(tp);
  const key = createPrivateKey(database.certificateKey);
  const vanillaSecret = randomBytes(32).toString('base64url');
  const vaPort = await freePort();
  const va = await startPinned(
    'vanilla oidc-provider',
    [...profile('vanilla'), 'bench/baseline-oidc.mjs'],
    {
      PORT: String(vaPort),
      NODE_ENV: 'production',
      BENCH_CLIENT_SECRET: vanillaSecret,
      BENCH_CLIENT_JWK: JSON.stringify({ ...createPublicKey(key).export({ format: 'jwk' }), kid: database.certificateKid, alg: 'ES256', use: 'sig' }),
    },
    { core: 0, url: `http://127.0.0.1:${vaPort}` },
  );
  processes.push(va);
  const barePort = await freePort();
  const bare = await startPinned(
    'bare node:http',
    ['bench/baseline-http.mjs'],
    { PORT: String(barePort) },
    { core: 0, url: `http://127.0.0.1:${barePort}` },
  );
  processes.push(bare);

  // What a client holds: TechPass credentials from the seeded directory, vanilla's own.
  const tpAuth = basic(database.clientId, database.clientSecret);
  const vaAuth = basic('bench', vanillaSecret);
  const signIn = await signInDriver({
    issuer: tp.url,
    clientId: database.clientId,
    clientSecret: database.clientSecret,
    redirectUri: REDIRECT_URI,
    password: PASSWORD,
    totpSeed: database.totpSeed,
    // The last PUSH_USERS users have phones (number matching): their second factor is the push prompt.
    pickLogin: () => email(randomInt(users - PUSH_USERS)),
  });
  const signInMany = (n) => Promise.all(Array.from({ length: n }, () => signIn()));
  const mint = async (n) => (await fetch(`${va.url}/__bench/mint?n=${n}`)).json();

  const assertion = (clientId, aud) => () => {
    const now = Math.floor(Date.now() / 1000);
    const enc = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const input = `${enc({ alg: 'ES256', kid: database.certificateKid })}.${enc({ iss: clientId, sub: clientId, aud, jti: randomBytes(12).toString('base64url'), iat: now, exp: now + 60 })}`;
    return `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
  };
  const privateKeyJwt = (clientId, aud) => {
    const make = assertion(clientId, aud);
    return {
      method: 'POST',
      path: '/token',
      headers: FORM,
      setupRequest: (req) => ({
        ...req,
        body: form({
          grant_type: 'client_credentials',
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: make(),
        }),
      }),
    };
  };
  /** Each connection takes a refresh token from the pool and puts back the one it is given. */
  const refresh = (pool, authorization) => ({
    method: 'POST',
    path: '/token',
    headers: { ...FORM, authorization },
    setupRequest: (req) => ({ ...req, body: form({ grant_type: 'refresh_token', refresh_token: pool.pop() ?? 'none-left' }) }),
    onResponse: (status, body) => {
      if (status === 200) pool.push(JSON.parse(body).refresh_token);
    },
  });
  const rotating = (tokens, make) => {
    let i = 0;
    return { setupRequest: (req) => ({ ...req, ...make(tokens[i++ % tokens.length]) }) };
  };
  const tpRefresh = [];
  const vaRefresh = [];
  const topUp = async () => {
    if (tpRefresh.length < connections + 4) tpRefresh.push(...(await signInMany(connections + 8 - tpRefresh.length)).map((t) => t.refresh_token));
    if (vaRefresh.length < connections + 4) vaRefresh.push(...(await mint(connections + 8 - vaRefresh.length)).map((t) => t.refreshToken));
  };
  const accessTokens = async () => ({
    tp: (await signInMany(8)).map((t) => t.access_token),
    va: (await mint(8)).map((t) => t.accessToken),
  });

  const scenarios = [
    { key: 'bare_http', title: 'bare node:http, fixed JSON (ceiling)', run: { server: bare, spec: () => ({ path: '/' }) } },
    {
      key: 'client_credentials',
      title: 'client_credentials, client_secret_basic, ES256 JWT',
      token: true,
      halfLoad: true,
      run: {
        server: tp,
        spec: () => ({
          method: 'POST',
          path: '/token',
          headers: { ...FORM, authorization: tpAuth },
          body: form({ grant_type: 'client_credentials' }),
        }),
      },
      base: {
        server: va,
        spec: () => ({
          method: 'POST',
          path: '/token',
          headers: { ...FORM, authorization: vaAuth },
          body: form({ grant_type: 'client_credentials' }),
        }),
      },
    },
    {
      key: 'client_credentials_private_key_jwt',
      title: 'client_credentials, private_key_jwt (certificate)',
      token: true,
      run: { server: tp, spec: () => privateKeyJwt(database.clientId, tp.url) },
      base: { server: va, spec: () => privateKeyJwt('bench-jwt', va.url) },
    },
    {
      key: 'refresh_token',
      title: 'refresh_token with rotation (ID token + access token)',
      token: true,
      halfLoad: true,
      before: topUp,
      run: { server: tp, spec: () => refresh(tpRefresh, tpAuth) },
      base: { server: va, spec: () => refresh(vaRefresh, vaAuth) },
    },
    {
      key: 'introspection',
      title: 'introspection of an access token',
      prepare: accessTokens,
      run: {
        server: tp,
        spec: (t) => ({
          method: 'POST',
          path: '/introspect',
          headers: { ...FORM, authorization: tpAuth },
          ...rotating(t.tp, (token) => ({ body: form({ token }) })),
        }),
      },
      base: {
        server: va,
        spec: (t) => ({
          method: 'POST',
          path: '/introspect',
          headers: { ...FORM, authorization: vaAuth },
          ...rotating(t.va, (token) => ({ body: form({ token }) })),
        }),
      },
    },
    {
      key: 'userinfo',
      title: 'UserInfo with a bearer token',
      prepare: accessTokens,
      run: { server: tp, spec: (t) => ({ path: '/userinfo', ...rotating(t.tp, (token) => ({ headers: { authorization: `Bearer ${token}` } })) }) },
      base: { server: va, spec: (t) => ({ path: '/userinfo', ...rotating(t.va, (token) => ({ headers: { authorization: `Bearer ${token}` } })) }) },
    },
    { key: 'jwks', title: 'JWKS', run: { server: tp, spec: () => ({ path: '/jwks' }) }, base: { server: va, spec: () => ({ path: '/jwks' }) } },
    {
      key: 'discovery',
      title: 'discovery document',
      run: { server: tp, spec: () => ({ path: '/.well-known/openid-configuration' }) },
      base: { server: va, spec: () => ({ path: '/.well-known/openid-configuration' }) },
    },
  ];

  const missing = scenarios.find((sc) => !SCENARIOS.includes(sc.key));
  if (missing) throw new Error(`scenario ${missing.key} is not listed in SCENARIOS (--only could not pick it)`);
  const chosen = scenarios.filter((sc) => runs(sc.key));
  const totalSeconds =
    chosen.reduce((s, sc) => s + (sc.base ? 2 : 1) * (warmup + rounds * duration) + (sc.halfLoad ? 2 * rounds * (warmup + duration) : 0), 0) +
    (runs('sign_in') ? duration + warmup + rounds * duration : 0) +
    (runs('number_matching') ? warmup + rounds * duration : 0);
  let spent = 0;
  const step = (what, seconds) => {
    log(`${what}  (~${Math.max(0, Math.round(totalSeconds - spent))} s of measuring left)`);
    spent += seconds;
  };

  /** Runs one load on one server and reads its CPU time and memory around it. */
  const measure = async (server, load) => {
    const cpuBefore = cpuSeconds(server.pid);
    const r = await load();
    const cpu = cpuSeconds(server.pid) - cpuBefore;
    return { ...r, rssMb: rssMb(server.pid), cpuPer1000: r.ok ? (cpu * 1000) / r.ok : NaN };
  };
  const http = (server, specFn, data, seconds) => () => hammer(server.url, specFn(data), { connections, duration: seconds });
  const steady = (server, specFn, data, seconds, rate) => () => paced(server.url, specFn(data), { connections, duration: seconds, rate, warmup });

  const rows = [];
  for (const sc of chosen) {
    const data = sc.prepare ? await sc.prepare() : undefined;
    const sides = [['techpass', sc.run], ...(sc.base ? [['baseline', sc.base]] : [])];
    for (const [, side] of sides) {
      if (sc.before) await sc.before();
      step(`${sc.key}: warm-up on ${side.server.name}`, warmup);
      await http(side.server, side.spec, data, warmup)();
    }
    const measured = { techpass: [], baseline: [] };
    for (let r = 1; r <= rounds; r += 1) {
      for (const [which, side] of sides) {
        if (sc.before) await sc.before();
        step(`${sc.key}: round ${r}/${rounds} on ${side.server.name}`, duration);
        measured[which].push(await measure(side.server, http(side.server, side.spec, data, duration)));
      }
    }
    const row = { key: sc.key, title: sc.title, techpass: median(measured.techpass), rounds: measured.techpass };
    if (sc.base) {
      row.baseline = median(measured.baseline);
      row.ratio = mid(measured.techpass.map((m, i) => m.rps / measured.baseline[i].rps));
    }
    if (sc.halfLoad) {
      // Half of each side's own peak, as a steady open loop, `rounds` times alternating; the median.
      const half = { techpass: [], baseline: [] };
      const sides = [
        ['techpass', tp, sc.run.spec, row.techpass.rps / 2],
        ['baseline', sc.base.server, sc.base.spec, row.baseline.rps / 2],
      ];
      for (let r = 1; r <= rounds; r += 1) {
        for (const [which, server, spec, rate] of sides) {
          if (sc.before) await sc.before();
          step(`${sc.key}: half of peak load (${Math.round(rate)}/s, steady) round ${r}/${rounds} on ${server.name}`, warmup + duration);
          half[which].push(await measure(server, steady(server, spec, data, duration, rate)));
        }
      }
      row.halfLoad = median(half.techpass);
      row.baselineHalfLoad = median(half.baseline);
    }
    rows.push(row);
    log(
      `${sc.key}: ${fmt(row.techpass.rps)}/s p99 ${row.techpass.p99} ms${row.ratio ? `, ${row.ratio.toFixed(2)}× baseline` : ''}${row.techpass.failed ? `, ${row.techpass.failed} failed` : ''}`,
    );
  }

  let argon2 = NaN;
  if (runs('sign_in')) {
    step(`argon2id alone on core 0 (${duration} s)`, duration);
    argon2 = await argon2Rate(duration);
    log(`argon2id: ${argon2.toFixed(1)} hashes/s`);

    const signInRounds = [];
    for (let r = 0; r <= rounds; r += 1) {
      step(
        r === 0 ? 'sign-in: warm-up' : `sign-in: round ${r}/${rounds} (${SIGN_IN_CLIENTS} virtual clients, one user each, spread over the directory)`,
        r ? duration : warmup,
      );
      const m = await measure(tp, () => closedLoop(() => signIn(), { concurrency: SIGN_IN_CLIENTS, duration: r ? duration : warmup }));
      if (m.lastError) log(`sign-in: ${m.failed} failed, e.g. ${m.lastError.message}`);
      if (r) signInRounds.push(m);
    }
    const signInRow = {
      key: 'sign_in',
      title: 'full sign-in, password + TOTP (authorize → pages → code → token)',
      techpass: median(signInRounds),
      rounds: signInRounds,
    };
    signInRow.ratio = signInRow.techpass.rps / argon2;
    rows.push(signInRow);
  }

  if (runs('number_matching')) {
    // Number matching: sign-ins on TechPass whose push prompt a phone receives from node B.
    const nm = await numberMatching({ database, users, core: 1 });
    const roundTrips = [];
    const nmRounds = [];
    try {
      for (let r = 0; r <= rounds; r += 1) {
        step(
          r === 0 ? 'number matching: warm-up' : `number matching: round ${r}/${rounds} (${nm.logins.length} phones on node B)`,
          r ? duration : warmup,
        );
        const record = (ms) => r && roundTrips.push(ms);
        const m = await measure(tp, () =>
          closedLoop((_, client) => signIn({ login: nm.logins[client], approvePush: nm.approver(nm.logins[client], record) }), {
            concurrency: nm.logins.length,
            duration: r ? duration : warmup,
          }),
        );
        if (m.lastError) log(`number matching: ${m.failed} failed, e.g. ${m.lastError.message}`);
        if (r) nmRounds.push(m);
      }
    } finally {
      await nm.stop();
    }
    rows.push({
      key: 'number_matching',
      title: 'number-matching round trip: challenge created on TechPass → received by the phone on node B',
      techpass: { ...median(nmRounds), ...latencySummary(roundTrips) },
      samples: roundTrips.length,
      rounds: nmRounds,
    });
  }

  const results = {
    date: new Date().toISOString(),
    engine,
    users,
    durationSeconds: duration,
    rounds,
    connections,
    signInClients: SIGN_IN_CLIENTS,
    machine: { cpus: (await import('node:os')).cpus()[0]?.model, node: process.version },
    argon2HashesPerSecond: argon2,
    ...(only ? { only: [...only] } : {}),
    rows,
  };
  results.targets = evaluateTargets(results);
  return results;
}

/** argon2id hashes/s with the sign-in parameters, in a child process pinned to the server's core. */
function argon2Rate(seconds) {
  const code = `
    import { hashPassword } from './dist/strategies/password/hash.js';
    const end = Date.now() + ${seconds * 1000}; let n = 0; const t = performance.now();
    await Promise.all([0, 1].map(async () => { while (Date.now() < end) { await hashPassword('Correct-Horse-Battery-9'); n++; } }));
    console.log(n / ((performance.now() - t) / 1000));`;
  return new Promise((resolve, reject) => {
    const child = spawn('taskset', ['-c', '0', process.execPath, '--input-type=module', '-e', code], { cwd: ROOT });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.once('close', (code) => (code === 0 ? resolve(Number(out.trim())) : reject(new Error(out))));
  });
}
