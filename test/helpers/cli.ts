/** Runs the compiled `techpass` command as a child process, as an operator would. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = path.join(ROOT, 'bin', 'techpass.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  json: unknown;
}

function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  // Only what a node needs: the test runner's own variables must not leak in.
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'warn', ...env };
}

export function runCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: childEnv(env), cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      let json: unknown = undefined;
      try {
        json = JSON.parse(stdout);
      } catch {
        // not JSON: the caller asserts on text
      }
      resolve({ code, stdout, stderr, json });
    });
  });
}

/** Starts `techpass <args>` (e.g. serve) in the background; resolves once `/healthz` answers. */
export async function spawnNode(
  args: string[],
  env: Record<string, string>,
  url: string,
  timeoutMs = 20_000,
): Promise<ChildProcess & { output: () => string }> {
  const child = spawn(process.execPath, [BIN, ...args], { env: childEnv(env), cwd: ROOT });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`techpass ${args.join(' ')} exited with ${child.exitCode}: ${output}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`techpass ${args.join(' ')} did not start in time: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return Object.assign(child, { output: () => output });
}

export function waitForExit(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}
