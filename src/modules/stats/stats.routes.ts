import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Problem } from '../../lib/problem.js';
import { metricPath, type MetricRegistry } from './registry.js';
import { MetricList } from './stats.schemas.js';
import { listMetrics, runDefinition } from './stats.service.js';

const errors = { 400: Problem, 401: Problem, 403: Problem };
const tags = ['stats'];

/** One GET route per registered metric, its query and result schemas straight from the definition. */
export const statsRoutes: FastifyPluginAsyncZod<{ metrics: MetricRegistry }> = async (app, { metrics }) => {
  app.get(
    '/api/stats',
    { schema: { tags, summary: 'Every statistic this HCRM computes, with its path', 'x-permission': 'stats.read', response: { 200: MetricList, ...errors } } },
    async (request) => listMetrics(request.ctx(), metrics),
  );
  for (const metric of metrics.all()) {
    app.get(
      metricPath(metric.id),
      {
        schema: {
          tags,
          summary: metric.summary,
          'x-permission': metric.scope === 'hospital' ? 'stats.hospital' : 'stats.read',
          querystring: metric.query,
          response: { 200: metric.result, ...errors },
        },
      },
      async (request) => runDefinition(request.ctx(), metric, request.query),
    );
  }
};
