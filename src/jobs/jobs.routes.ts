import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Problem } from '../lib/problem.js';
import { JobList, JobNameParams, JobRun, JobRunPage, JobRunQuery } from './jobs.schemas.js';
import { listJobRuns, listJobs, startJob } from './jobs.service.js';
import type { Scheduler } from './scheduler.js';

const errors = { 400: Problem, 401: Problem, 403: Problem };
const tags = ['jobs'];

export const jobRoutes: FastifyPluginAsyncZod<{ scheduler: Scheduler }> = async (app, { scheduler }) => {
  app.get(
    '/api/jobs',
    { schema: { tags, summary: 'Scheduled jobs with their schedule, next run and last run', 'x-permission': 'jobs.read', response: { 200: JobList, ...errors } } },
    async (request) => listJobs(request.ctx(), scheduler),
  );

  app.get(
    '/api/jobs/runs',
    {
      schema: { tags, summary: 'History of job runs, newest first', 'x-permission': 'jobs.read', querystring: JobRunQuery, response: { 200: JobRunPage, ...errors } },
    },
    async (request) => listJobRuns(request.ctx(), request.query),
  );

  app.post(
    '/api/jobs/:name/run',
    {
      schema: {
        tags,
        summary: 'Run a job now and wait for it (409 while a run of it is in progress)',
        'x-permission': 'jobs.run',
        params: JobNameParams,
        response: { 200: JobRun, ...errors, 404: Problem, 409: Problem },
      },
    },
    async (request) => startJob(request.ctx(), scheduler, request.params.name),
  );
};
