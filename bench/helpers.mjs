/**
 * The test helpers, reused as they are: test/helpers/{x509,http-browser,sign-in}.ts are
 * transpiled (types stripped, nothing else) into bench/.data/helpers/ and imported, so
 * the bench makes certificates and walks the sign-in pages exactly as the tests do, and
 * follows the sign-in flow when it grows (a TOTP step added to completeSignIn is picked
 * up here without a change).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { ROOT } from './servers.mjs';

const OUT = path.join(ROOT, 'bench', '.data', 'helpers');

function transpile(name) {
  const source = readFileSync(path.join(ROOT, 'test', 'helpers', `${name}.ts`), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    fileName: `${name}.ts`,
  });
  mkdirSync(OUT, { recursive: true });
  writeFileSync(path.join(OUT, `${name}.js`), outputText);
  return path.join(OUT, `${name}.js`);
}

/** Imports test/helpers/<name>.ts (and the helpers it imports, listed in `with`). */
export async function testHelper(name, { with: deps = [] } = {}) {
  for (const dep of deps) transpile(dep);
  return import(transpile(name));
}
