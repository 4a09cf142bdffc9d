/**
 * The bench's command line: its options, their defaults and checks, and the usage text
 * (`npm run bench -- --help`). Bad input gets a clear message and exit code 2 before
 * anything is started or seeded.
 */
import { parseArgs } from 'node:util';

/** Every scenario's key, in the order they run (for --only). */
export const SCENARIOS = [
  'bare_http',
  'client_credentials',
  'client_credentials_private_key_jwt',
  'refresh_token',
  'introspection',
  'userinfo',
  'jwks',
  'discovery',
  'sign_in',
  'number_matching',
];

const USAGE = `npm run bench [-- options]
  --quick                 1,000 users, 3 s per scenario, 1 round (a smoke run, < 3 minutes)
  --engine sqlite|postgres  (default sqlite)
  --users N               directory size, at least 100 (default 1,000,000; 1,000 with --quick)
  --duration S            seconds per scenario and round (default 20; 3 with --quick)
  --rounds R              rounds, median reported (default 3; 1 with --quick)
  --connections C         keep-alive connections of the load generator (default 16)
  --only KEY[,KEY…]       just these scenarios: ${SCENARIOS.join(', ')}
  --cpu-prof              V8 CPU profiles of TechPass and vanilla in bench/results/profiles-<name>/
  --help                  this text`;

const OPTIONS = {
  help: { type: 'boolean', default: false },
  quick: { type: 'boolean', default: false },
  engine: { type: 'string', default: 'sqlite' },
  users: { type: 'string' },
  duration: { type: 'string' },
  rounds: { type: 'string' },
  connections: { type: 'string' },
  'cpu-prof': { type: 'boolean', default: false },
  only: { type: 'string' },
};
/** The options of this run, from `argv` (default: the process's arguments). */
export function benchOptions(args = process.argv.slice(2)) {
  const usageError = (message) => {
    console.error(`${message}\n\n${USAGE}`);
    process.exit(2);
  };
  const opts = (() => {
    try {
      return parseArgs({ args, options: OPTIONS }).values;
    } catch (error) {
      return usageError(error.message);
    }
  })();
  if (opts.help) {
    console.log(USAGE);
    process.exit(0);
  }
  /** A whole number ≥ `least` from option `name`, or its default. */
  const whole = (name, fallback, least = 1) => {
    if (opts[name] === undefined) return fallback;
    const value = Number(opts[name]);
    if (!Number.isInteger(value) || value < least)
      usageError(`--${name} must be a whole number of at least ${least}, not ${JSON.stringify(opts[name])}`);
    return value;
  };
  if (!['sqlite', 'postgres'].includes(opts.engine)) usageError(`--engine must be sqlite or postgres, not ${JSON.stringify(opts.engine)}`);
  const users = whole('users', opts.quick ? 1_000 : 1_000_000, 100);
  const duration = whole('duration', opts.quick ? 3 : 20);
  const rounds = whole('rounds', opts.quick ? 1 : 3);
  const warmup = opts.quick ? 1 : Math.min(5, duration);
  const connections = whole('connections', 16);
  const only = opts.only ? new Set(opts.only.split(',').map((k) => k.trim())) : null;
  const unknown = [...(only ?? [])].filter((key) => !SCENARIOS.includes(key));
  if (unknown.length > 0) usageError(`--only: no scenario ${unknown.map((k) => JSON.stringify(k)).join(', ')}`);
  const runs = (key) => !only || only.has(key);
  return {
    engine: opts.engine,
    users,
    duration,
    rounds,
    warmup,
    connections,
    cpuProf: opts['cpu-prof'],
    only,
    runs,
  };
}
