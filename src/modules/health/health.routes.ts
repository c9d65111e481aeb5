import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { migrationStatus } from '../../../db/client.js';
import type { Deps } from '../../lib/context.js';

const Health = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  database: z.object({ reachable: z.boolean(), migrationsApplied: z.number().int(), migrationsExpected: z.number().int(), migrationsCurrent: z.boolean() }),
  time: z.string(),
});

export const healthRoutes: FastifyPluginAsyncZod<{ deps: Deps; version: string }> = async (app, { deps, version }) => {
  app.get(
    '/health',
    {
      config: { public: true },
      schema: { tags: ['health'], summary: 'Liveness and readiness: database reachable and migrations current', security: [], response: { 200: Health, 503: Health } },
    },
    async (_request, reply) => {
      let reachable = true;
      let migrations = { applied: 0, expected: 0, current: false };
      try {
        deps.db.$client.prepare('SELECT 1').get();
        migrations = migrationStatus(deps.db);
      } catch {
        reachable = false;
      }
      const ok = reachable && migrations.current;
      return reply.code(ok ? 200 : 503).send({
        status: ok ? 'ok' : 'degraded',
        version,
        database: { reachable, migrationsApplied: migrations.applied, migrationsExpected: migrations.expected, migrationsCurrent: migrations.current },
        time: deps.clock.now().toISOString(),
      });
    },
  );
};
