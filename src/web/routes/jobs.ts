import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { JobNameParams } from '../../jobs/jobs.schemas.js';
import { listJobRuns, listJobs, startJob } from '../../jobs/jobs.service.js';
import type { Scheduler } from '../../jobs/scheduler.js';
import { Conflict } from '../../lib/errors.js';
import { can } from '../../modules/staff/permissions.js';
import type { Assets } from '../assets.js';
import { pageContext, seeOther, sendPage } from '../page-context.js';
import { jobsPage } from '../pages/jobs.js';

const JobsPageQuery = z.object({
  ran: z.enum(['running', 'succeeded', 'failed', 'abandoned', 'busy']).optional().catch(undefined),
});

/** Paths are under /app. The jobs service refuses anyone but an admin (403 page). */
export const jobPages: FastifyPluginAsyncZod<{ assets: Assets; scheduler: Scheduler }> = async (app, { assets, scheduler }) => {
  app.get('/jobs', { schema: { hide: true, querystring: JobsPageQuery } }, async (request, reply) => {
    const ctx = request.ctx();
    const jobs = await listJobs(ctx, scheduler);
    const runs = await listJobRuns(ctx, { limit: 50 });
    const page = pageContext(request, assets);
    const ran = request.query.ran;
    const notice = ran === 'busy' ? { kind: 'error' as const, text: page.t('jobs.busy') } : ran ? { kind: ran === 'succeeded' ? ('success' as const) : ('error' as const), text: page.t('jobs.ran', { status: page.t.maybe(`jobs.status.${ran}`) ?? ran }) } : null;
    const canRun = ctx.actor.kind === 'staff' && can(ctx.actor.role, 'jobs.run');
    return sendPage(reply, jobsPage(page, { jobs: jobs.items, runs: runs.items, timeZone: ctx.timeZone, canRun, notice }));
  });

  app.post('/jobs/:name/run', { schema: { hide: true, params: JobNameParams } }, async (request, reply) => {
    try {
      const run = await startJob(request.ctx(), scheduler, request.params.name);
      return seeOther(reply, `/app/jobs?ran=${run.status}`);
    } catch (error) {
      if (error instanceof Conflict) return seeOther(reply, '/app/jobs?ran=busy');
      throw error;
    }
  });
};
