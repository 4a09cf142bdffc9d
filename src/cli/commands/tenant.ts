/**
 * `techpass tenant request|list|show|approve|reject|withdraw`: tenant requests through
 * the management API (`/api/v1/tenant-requests`, flows/tenant-requests.ts), one API
 * request per command (management-client.ts).
 *
 * Without `--server` the command works on the local database as the operator, who may
 * list, show, approve and reject every request; requesting and withdrawing are a
 * person's (the requester becomes the tenant's admin), so they need `--server`.
 */
import { Option, type Command } from 'commander';
import { answer } from '../output.js';
import { allApiPages, serverOption, withManagementClient } from '../management-client.js';
import { jsonOption } from './context.js';

interface TenantRequestAnswer {
  id: string;
  name: string;
  displayName: string;
  description: string;
  justification: string;
  status: string;
  requester: { userId: string; email: string };
  requestedAt: number;
  decidedBy: string | null;
  decidedAt: number | null;
  reason: string | null;
  namespace: string | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const requestJson = (r: TenantRequestAnswer) => ({ ...r, requestedAt: iso(r.requestedAt), decidedAt: iso(r.decidedAt) });

const requestLine = (r: TenantRequestAnswer) =>
  `${r.id}  ${r.status}  ${r.name}  ${r.displayName}  by ${r.requester.email}  ${iso(r.requestedAt)}${r.namespace ? `  → namespace ${r.namespace}` : ''}`;

const requestText = (r: TenantRequestAnswer) =>
  [
    `${r.id}: ${r.status}`,
    `namespace name: ${r.name}`,
    `display name: ${r.displayName}`,
    ...(r.description ? [`description: ${r.description}`] : []),
    `justification: ${r.justification}`,
    `requested by ${r.requester.email} at ${iso(r.requestedAt)}`,
    ...(r.decidedAt !== null ? [`${r.status} by ${r.decidedBy} at ${iso(r.decidedAt)}`] : []),
    ...(r.reason ? [`reason: ${r.reason}`] : []),
    ...(r.namespace ? [`namespace: ${r.namespace}`] : []),
  ].join('\n');

type Common = { server?: string; json?: boolean };
const path = (id: string) => `/tenant-requests/${encodeURIComponent(id)}`;

export function registerTenantCommands(program: Command): void {
  const tenant = program.command('tenant').description('requests to become a tenant (a namespace): request, approve, reject');

  tenant
    .command('request')
    .description('ask for a tenant: its namespace is created when a platform admin approves, with you as its first admin')
    .requiredOption('--name <name>', 'the namespace name asked for (3–40 lower-case letters, digits or dashes)')
    .requiredOption('--display-name <text>', 'name shown to people')
    .option('--description <text>', 'what the service is')
    .requiredOption('--justification <text>', 'why the service needs TechPass')
    .addOption(serverOption())
    .addOption(jsonOption())
    .action(async (options: Common & { name: string; displayName: string; description?: string; justification: string }) =>
      withManagementClient(options, async (client) => {
        const body = {
          name: options.name,
          displayName: options.displayName,
          justification: options.justification,
          ...(options.description !== undefined ? { description: options.description } : {}),
        };
        const created = (await client.call<TenantRequestAnswer>('POST', '/tenant-requests', { body })).body;
        answer(Boolean(options.json), requestJson(created), `requested tenant ${created.name} (request ${created.id}); a platform admin decides`);
      }),
    );

  tenant
    .command('list')
    .description('tenant requests, oldest first: a platform admin (or the operator) sees every one, anyone else their own')
    .addOption(new Option('--status <status>', 'only requests in this state').choices(['pending', 'approved', 'rejected', 'withdrawn']))
    .addOption(serverOption())
    .addOption(jsonOption())
    .action(async (options: Common & { status?: string }) =>
      withManagementClient(options, async (client) => {
        const all = await allApiPages<TenantRequestAnswer>(client, '/tenant-requests', { status: options.status });
        answer(Boolean(options.json), all.map(requestJson), all.length ? all.map(requestLine).join('\n') : 'no tenant requests');
      }),
    );

  tenant
    .command('show')
    .description('one tenant request')
    .requiredOption('--id <id>', 'the request')
    .addOption(serverOption())
    .addOption(jsonOption())
    .action(async (options: Common & { id: string }) =>
      withManagementClient(options, async (client) => {
        const found = (await client.call<TenantRequestAnswer>('GET', path(options.id))).body;
        answer(Boolean(options.json), requestJson(found), requestText(found));
      }),
    );

  tenant
    .command('approve')
    .description('approve a pending request: creates the namespace and makes the requester its admin (they are e-mailed)')
    .requiredOption('--id <id>', 'the request')
    .addOption(serverOption())
    .addOption(jsonOption())
    .action(async (options: Common & { id: string }) =>
      withManagementClient(options, async (client) => {
        const approved = (await client.call<TenantRequestAnswer>('POST', `${path(options.id)}/approve`)).body;
        answer(
          Boolean(options.json),
          requestJson(approved),
          `approved: namespace ${approved.namespace ?? approved.name} created, ${approved.requester.email} is its admin`,
        );
      }),
    );

  tenant
    .command('reject')
    .description('reject a pending request; the requester is e-mailed the reason')
    .requiredOption('--id <id>', 'the request')
    .requiredOption('--reason <text>', 'why (told to the requester)')
    .addOption(serverOption())
    .addOption(jsonOption())
    .action(async (options: Common & { id: string; reason: string }) =>
      withManagementClient(options, async (client) => {
        const rejected = (await client.call<TenantRequestAnswer>('POST', `${path(options.id)}/reject`, { body: { reason: options.reason } })).body;
        answer(
          Boolean(options.json),
          requestJson(rejected),
          `rejected request ${rejected.id} for ${rejected.name}; ${rejected.requester.email} is told why`,
        );
      }),
    );

  tenant
    .command('withdraw')
    .description('withdraw your own pending request')
    .requiredOption('--id <id>', 'the request')
    .addOption(serverOption())
    .addOption(jsonOption())
    .action(async (options: Common & { id: string }) =>
      withManagementClient(options, async (client) => {
        const withdrawn = (await client.call<TenantRequestAnswer>('POST', `${path(options.id)}/withdraw`)).body;
        answer(Boolean(options.json), requestJson(withdrawn), `withdrew request ${withdrawn.id} for ${withdrawn.name}`);
      }),
    );
}
