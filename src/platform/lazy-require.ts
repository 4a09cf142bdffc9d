/**
 * A CommonJS package loaded at its first use rather than at start, for libraries only rare
 * pages or the other database engine need: a serving node that never uses them never holds
 * them (test/startup-footprint.test.ts).
 */
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

export function onFirstUse<T>(specifier: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= load(specifier) as T);
}
