/**
 * The layer rule of ../shared/DESIGN.md §3, enforced on every `npm test`:
 *   contracts ← platform ← domain ← strategies ← flows ← http / oidc / jobs ← cli
 * persistence implements the repository interfaces of domain and flows; only the
 * composition root (cli) wires it in, others may see its types only.
 */
const layer = (name) => `^src/${name}/`;
const only = (from, allowed) => ({
  name: `${from}-imports-only-${allowed.join('-')}`,
  severity: 'error',
  from: { path: layer(from) },
  to: { path: '^src/', pathNot: [layer(from), ...allowed.map(layer)] },
});

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: { path: '^src/' }, to: { circular: true, dependencyTypesNot: ['type-only'] } },
    only('contracts', []),
    only('platform', ['contracts']),
    only('domain', ['contracts', 'platform']),
    only('strategies', ['domain', 'platform', 'contracts']),
    only('flows', ['strategies', 'domain', 'platform', 'contracts']),
    only('ui', ['contracts']),
    only('http', ['flows', 'strategies', 'domain', 'platform', 'contracts', 'ui']),
    only('persistence', ['domain', 'platform', 'contracts']),
    {
      name: 'oidc-and-jobs-see-persistence-types-only',
      severity: 'error',
      from: { path: '^src/(oidc|jobs)/' },
      to: { path: '^src/', pathNot: ['^src/(oidc|jobs|flows|strategies|domain|platform|contracts|persistence)/'] },
    },
    {
      name: 'persistence-wired-only-by-the-composition-root',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/(persistence|cli)/'] },
      to: { path: '^src/persistence/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'strategies-never-import-each-other',
      severity: 'error',
      from: { path: '^src/strategies/([^/]+)/' },
      to: { path: '^src/strategies/', pathNot: ['^src/strategies/$1/'] },
    },
    {
      name: 'strategies-import-no-flows',
      severity: 'error',
      comment: 'A credential strategy holds its own rules and storage; what needs a flow (lockout, standing, sessions) stays in src/flows.',
      from: { path: '^src/strategies/' },
      to: { path: '^src/flows/' },
    },
    {
      // Handlers parse, call one flow function and map its outcome; they do not read repositories.
      // (Nor the flow store's type, nor persistence: what a handler needs comes from a flow function.)
      name: 'http-imports-no-repositories',
      severity: 'error',
      from: { path: '^src/http/' },
      to: { path: '^src/(domain/repositories\\.ts|domain/flows/flow\\.ts|persistence/)' },
    },
    {
      name: 'kysely-and-drivers-only-in-persistence',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/persistence/' },
      to: { path: 'node_modules/(kysely|better-sqlite3|pg)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'oidc-provider-only-in-oidc',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/oidc/' },
      to: { path: 'node_modules/oidc-provider/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'fastify-only-in-http',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/http/' },
      to: { path: 'node_modules/(fastify|@fastify|fastify-type-provider-zod)/', dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js'] },
  },
};
