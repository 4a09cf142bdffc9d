/**
 * The test helpers, reused as they are: test/helpers/{x509,http-browser,sign-in}.ts are
 * transpiled (types stripped, imports of src/ pointed at dist/) into bench/.data/helpers/ and imported, so
 * the bench makes certificates and walks the sign-in pages exactly as the tests do, and
 * follows the sign-in flow when it grows (a TOTP step added to completeSignIn is picked
 * up here without a change).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { ROOT } from './servers.mjs';

const OUT = path.join(ROOT, 'bench', '.data', 'helpers');

function transpile(name, done = new Set()) {
  if (done.has(name)) return path.join(OUT, `${name}.js`);
  done.add(name);
  const source = readFileSync(path.join(ROOT, 'test', 'helpers', `${name}.ts`), 'utf8');
  let { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    fileName: `${name}.ts`,
  });
  // Imports of the product's own modules point at their compiled copies (npm run build).
  outputText = outputText.replaceAll("'../../src/", `'${pathToFileURL(path.join(ROOT, 'dist'))}/`);
  mkdirSync(OUT, { recursive: true });
  writeFileSync(path.join(OUT, `${name}.js`), outputText);
  // The helpers it imports in turn (import … from './other.js').
  for (const m of outputText.matchAll(/from '\.\/([\w-]+)\.js'/g)) transpile(m[1], done);
  return path.join(OUT, `${name}.js`);
}

/** Imports test/helpers/<name>.ts, with the helpers it imports. */
export async function testHelper(name) {
  return import(transpile(name));
}
