// Liveness, readiness and metrics endpoints for operators and orchestrators.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { Type } from 'typebox';
import { listPendingMigrations, type Database } from '../db/database.ts';
import type { Metrics } from './metrics.ts';
import { buildProblem, sendProblem } from './errors.ts';

const HealthSchema = Type.Object({ status: Type.Literal('ok') });
const ReadySchema = Type.Object({
  status: Type.Literal('ready'),
  database: Type.Union([Type.Literal('pglite'), Type.Literal('postgres')]),
});

export function registerOperationsRoutes(
  app: FastifyInstance,
  deps: { database: Database; metrics: Metrics },
): void {
  app.get(
    '/healthz',
    {
      // Liveness must not fail under load, or an orchestrator would restart a busy process.
      config: { pressureHandler: () => undefined },
      schema: {
        tags: ['operations'],
        summary: 'The process is up',
        response: { 200: HealthSchema },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['operations'],
        summary: 'The database is reachable and its schema is current',
        response: { 200: ReadySchema },
      },
    },
    async (request, reply) => {
      try {
        await sql`select 1`.execute(deps.database.db);
        const pending = await listPendingMigrations(deps.database.db);
        if (pending.length > 0) {
          return sendProblem(
            reply,
            buildProblem(
              request,
              503,
              'migrations_pending',
              `Migrations not yet run: ${pending.join(', ')}.`,
            ),
            5,
          );
        }
        return { status: 'ready' as const, database: deps.database.kind };
      } catch (error) {
        request.log.warn({ err: error }, 'readiness check failed');
        return sendProblem(
          reply,
          buildProblem(request, 503, 'database_unavailable', 'The database is not reachable.'),
          5,
        );
      }
    },
  );

  app.get(
    '/metrics',
    {
      schema: {
        tags: ['operations'],
        summary: 'Prometheus metrics',
        response: {
          200: {
            description: 'Prometheus text exposition format',
            content: { 'text/plain': { schema: Type.String() } },
          },
        },
      },
    },
    async (_request, reply) => {
      const text = await deps.metrics.registry.metrics();
      return reply.type(deps.metrics.registry.contentType).send(text);
    },
  );
}
