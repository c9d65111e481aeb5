import { describe, expect, it } from 'vitest';
import { JobList, JobRun, JobRunPage } from '../../src/jobs/jobs.schemas.js';
import { Problem } from '../../src/lib/problem.js';
import { useTestHospital } from '../helpers/app.js';

const h = await useTestHospital({ now: '2026-11-23T02:00:00.000Z' });
const admin = await h.signIn('admin');

describe('/api/jobs', () => {
  it('lists every job with its schedule, time zone and next run', async () => {
    const reply = await h.app.inject({ method: 'GET', url: '/api/jobs', headers: admin.headers });
    expect(reply.statusCode, reply.body).toBe(200);
    const { items } = JobList.parse(reply.json());
    expect(items.map((j) => j.name)).toEqual(expect.arrayContaining(['care.reminders', 'care.birthday-greetings', 'care.festival-greetings']));
    // 10:00 in Shanghai now: greetings next go out tomorrow at 09:00 local.
    expect(items.find((j) => j.name === 'care.birthday-greetings')).toMatchObject({ schedule: '0 9 * * *', timeZone: 'Asia/Shanghai', nextRunAt: '2026-11-24T01:00:00.000Z', running: false, lastRun: null });
    expect(items.find((j) => j.name === 'care.reminders')?.nextRunAt).toBe('2026-11-23T02:10:00.000Z');
  });

  it('lets an admin start a job now, and shows the run in the history and as the last run', async () => {
    const reply = await h.app.inject({ method: 'POST', url: '/api/jobs/care.reminders/run', headers: admin.headers });
    expect(reply.statusCode, reply.body).toBe(200);
    const run = JobRun.parse(reply.json());
    expect(run).toMatchObject({ job: 'care.reminders', trigger: 'manual', slot: null, status: 'succeeded', startedBy: `staff:${admin.id}`, counts: { reminders: 0, queued: 0, existing: 0 } });

    const history = JobRunPage.parse((await h.app.inject({ method: 'GET', url: '/api/jobs/runs?job=care.reminders', headers: admin.headers })).json());
    expect(history.items[0]).toEqual(run);
    const jobs = JobList.parse((await h.app.inject({ method: 'GET', url: '/api/jobs', headers: admin.headers })).json());
    expect(jobs.items.find((j) => j.name === 'care.reminders')?.lastRun).toEqual(run);
  });

  it('pages the history newest first', async () => {
    for (let i = 0; i < 3; i++) {
      h.clock.advance(1000);
      await h.app.inject({ method: 'POST', url: '/api/jobs/care.birthday-greetings/run', headers: admin.headers });
    }
    const first = JobRunPage.parse((await h.app.inject({ method: 'GET', url: '/api/jobs/runs?job=care.birthday-greetings&limit=2', headers: admin.headers })).json());
    expect(first.items).toHaveLength(2);
    const second = JobRunPage.parse((await h.app.inject({ method: 'GET', url: `/api/jobs/runs?job=care.birthday-greetings&limit=2&cursor=${first.nextCursor}`, headers: admin.headers })).json());
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    expect(first.items[0]!.startedAt > first.items[1]!.startedAt && first.items[1]!.startedAt > second.items[0]!.startedAt).toBe(true);
  });

  it('answers 404 for a job that does not exist', async () => {
    const reply = await h.app.inject({ method: 'POST', url: '/api/jobs/no.such-job/run', headers: admin.headers });
    expect(reply.statusCode).toBe(404);
    expect(Problem.parse(reply.json()).code).toBe('jobs.not_found');
  });

  it('is for admins only', async () => {
    const doctor = await h.signIn('doctor');
    expect((await h.app.inject({ method: 'GET', url: '/api/jobs', headers: doctor.headers })).statusCode).toBe(403);
    expect((await h.app.inject({ method: 'POST', url: '/api/jobs/care.reminders/run', headers: doctor.headers })).statusCode).toBe(403);
  });
});
