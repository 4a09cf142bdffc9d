#!/usr/bin/env node
// The `techpass` command: runs the compiled CLI (npm ci builds it; `npm run build` rebuilds it).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('techpass: not built yet; run `npm run build` (npm ci does it for you)\n');
  process.exit(1);
}
const { main } = await import(entry.href);
const code = await main(process.argv);
if (code !== 0) process.exit(code);
