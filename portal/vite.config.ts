// The TechPass portal (issue 20): a React single-page app built by Vite into
// dist/portal-app, served by TechPass at /portal (src/http/portal-app-routes.ts).
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/portal/',
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/portal-app', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    // No inline scripts or styles: the portal's CSP allows only files from this origin.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    // One bundle (React, SGDS, the pages: ~150 kB gzipped), cached for a year by its hash.
    chunkSizeWarningLimit: 1000,
  },
});
