/**
 * A Kysely plugin, on in tests, that refuses any select, update or delete touching
 * a namespace-owned table without a `namespace_id` condition. Repositories reach
 * those tables only through a NamespaceScope; this catches a query that forgot.
 * The one deliberate exception (finding an application by its globally unique
 * client id) runs with `withoutPlugins()` and says so where it does.
 */
import type { KyselyPlugin, OperationNode, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { NAMESPACED_TABLES } from './schema.js';

const NAMESPACED = new Set<string>(NAMESPACED_TABLES);

export class NamespaceGuardError extends Error {
  override name = 'NamespaceGuardError';
}

function tablesOf(node: unknown, found: Set<string> = new Set()): Set<string> {
  if (!node || typeof node !== 'object') return found;
  const n = node as { kind?: string; table?: { identifier?: { name?: string } } };
  if (n.kind === 'TableNode' && n.table?.identifier?.name) found.add(n.table.identifier.name);
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) value.forEach((v) => tablesOf(v, found));
    else if (value && typeof value === 'object') tablesOf(value, found);
  }
  return found;
}

function mentionsNamespace(node: unknown): boolean {
  if (!node || typeof node !== 'object') return false;
  const n = node as { kind?: string; column?: { name?: string } };
  if (n.kind === 'ColumnNode' && n.column?.name === 'namespace_id') return true;
  return Object.values(node).some((value) => (Array.isArray(value) ? value.some(mentionsNamespace) : mentionsNamespace(value)));
}

export class NamespaceGuardPlugin implements KyselyPlugin {
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const node = args.node as OperationNode & { where?: unknown; joins?: unknown; from?: unknown; table?: unknown };
    if (node.kind === 'SelectQueryNode' || node.kind === 'UpdateQueryNode' || node.kind === 'DeleteQueryNode') {
      const touched = [...tablesOf({ from: node.from, table: node.table, joins: node.joins })].filter((t) => NAMESPACED.has(t));
      if (touched.length && !mentionsNamespace({ where: node.where, joins: node.joins })) {
        throw new NamespaceGuardError(`query on ${touched.join(', ')} has no namespace_id condition: reach namespace data through forNamespace()`);
      }
    }
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
