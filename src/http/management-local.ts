/**
 * The management API in process, for the CLI's local mode (`techpass … ` without
 * `--server`): the same routes, schemas, authorization and audit as the server's, with
 * every request made by the operator (`ManagementApiDeps.operator`). The CLI calls it
 * with `inject`, so a command is one API request whether it runs here or against a
 * server, and the two modes cannot drift apart. Nothing here listens on a port.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { ErrorCodes } from '../contracts/errors.js';
import { registerManagementApi, type ManagementApiDeps } from './management-api.js';
import { refusalOf } from './refusals.js';

export async function buildLocalManagementApi(deps: ManagementApiDeps & { operator: string }): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler((error, request, reply) => {
    const refusal = refusalOf(error);
    if (!refusal) {
      // The operator sees what went wrong: there is no one else to hide it from.
      return reply.code(500).send({ error: { code: ErrorCodes.internal, message: error instanceof Error ? error.message : String(error) } });
    }
    return reply.code(refusal.status).send({
      error: {
        code: refusal.code,
        message: refusal.message,
        ...(refusal.field ? { fields: [refusal.field] } : {}),
        ...refusal.details,
        correlationId: request.id,
      },
    });
  });
  await registerManagementApi(app, deps);
  await app.ready();
  return app;
}
