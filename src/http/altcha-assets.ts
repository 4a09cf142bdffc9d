/**
 * The ALTCHA widget's files (the `altcha` package's "external" build), served from
 * TechPass at /login/assets/altcha/: the widget as an ES module, its proof-of-work worker
 * (a classic worker the widget loads from beside itself) and its stylesheet. That build
 * injects no inline style or script and loads its worker by URL, so it runs under the
 * pages' strict CSP with only `worker-src 'self'` added; nothing is fetched elsewhere.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface Asset {
  type: string;
  body: string;
}

export const ALTCHA_FILES = ['altcha.js', 'worker.js', 'altcha.css'] as const;

let loaded: Record<string, Asset> | undefined;

export function altchaAssets(): Record<string, Asset> {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const dir = path.dirname(require.resolve('altcha/altcha.css'));
  const read = (file: string) => readFileSync(path.join(dir, file), 'utf8');
  loaded = {
    'altcha.js': { type: 'text/javascript; charset=utf-8', body: read('altcha.js') },
    'worker.js': { type: 'text/javascript; charset=utf-8', body: read('worker.js') },
    'altcha.css': { type: 'text/css; charset=utf-8', body: read('altcha.css') },
  };
  return loaded;
}
