#!/usr/bin/env node
// `npm test` (after the build): runs the whole suite with vitest on every
// available database engine.
//
//   TECHPASS_TEST_ENGINES=sqlite,postgres   pick engines explicitly (CI does);
//                                           postgres without binaries is an error
//   unset                                   sqlite, plus postgres when its server
//                                           binaries are installed
//
// Extra arguments go to `vitest run` (e.g. `npm test -- test/oidc` or
// `npm test -- -t "refresh"`). Passing your own --project replaces the
// project selection. Exits with vitest's exit code.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { findPostgresBin, INSTALL_HINT } from './pg-cluster.mjs';

const KNOWN = ['sqlite', 'postgres'];
const say = (line) => console.log(`TechPass tests: ${line}`);

function chooseEngines() {
  const requested = process.env.TECHPASS_TEST_ENGINES?.trim();
  const bin = findPostgresBin();
  if (requested) {
    const engines = [
      ...new Set(
        requested
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      ),
    ];
    const unknown = engines.filter((e) => !KNOWN.includes(e));
    if (unknown.length > 0 || engines.length === 0) {
      say(`TECHPASS_TEST_ENGINES=${requested}: unknown engine(s) ${unknown.join(', ') || '(none given)'}; known: ${KNOWN.join(', ')}`);
      process.exit(2);
    }
    if (engines.includes('postgres') && !bin) {
      say(`TECHPASS_TEST_ENGINES asks for postgres, but the PostgreSQL server binaries are missing: ${INSTALL_HINT}`);
      process.exit(2);
    }
    return engines;
  }
  if (bin) return ['sqlite', 'postgres'];
  say(`PostgreSQL SKIPPED: server binaries (initdb, pg_ctl, postgres) not found; ${INSTALL_HINT} to test on PostgreSQL too`);
  return ['sqlite'];
}

const engines = chooseEngines();
const extra = process.argv.slice(2);
const ownProjects = extra.some((arg) => arg === '--project' || arg.startsWith('--project='));
const projects = ownProjects ? [] : ['unit', ...engines].flatMap((name) => ['--project', name]);

say(`engines = ${engines.join(', ')}`);
if (ownProjects) say('projects chosen by the --project arguments given');

// `npx vitest run …`, minus the npm wrapper process (which does not pass
// SIGTERM on): the project's own vitest, straight under this node.
const vitestBin = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
const [command, prefix] = existsSync(vitestBin) ? [process.execPath, [vitestBin]] : ['npx', ['--no-install', 'vitest']];
const child = spawn(command, [...prefix, 'run', ...projects, ...extra], {
  stdio: 'inherit',
  env: { ...process.env, TECHPASS_TEST_ENGINES: engines.join(',') },
});

// Ctrl-C reaches vitest directly (same process group); pass SIGTERM on and
// let vitest shut its PostgreSQL cluster down before we exit.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (signal !== 'SIGINT') child.kill(signal);
  });
}

child.on('error', (error) => {
  say(`could not start vitest: ${error.message}`);
  process.exit(1);
});

child.on('exit', (code, signal) => {
  const exitCode = code ?? 1;
  const outcome = exitCode === 0 ? 'passed' : `FAILED (${signal ? `signal ${signal}` : `exit code ${exitCode}`})`;
  say(`ran on engines = ${engines.join(', ')}: ${outcome}`);
  if (!engines.includes('postgres')) say(`PostgreSQL was NOT tested (${INSTALL_HINT})`);
  process.exit(exitCode);
});
