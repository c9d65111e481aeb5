import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client.js';
import { CronSchedule } from '../../src/jobs/cron.js';
import { Scheduler } from '../../src/jobs/scheduler.js';
import type { Task } from '../../src/jobs/task.js';
import { systemClock } from '../../src/lib/clock.js';
import { useTestHospital } from '../helpers/app.js';

const h = await useTestHospital({ now: '2026-11-23T00:00:00.000Z' });
let serial = 0;

/** A daily 09:00 (Shanghai) task that counts its runs; each test gets its own job name. */
function greetingLike(): { task: Task; runs: Date[] } {
  const runs: Date[] = [];
  return { runs, task: { name: `test.greeting-${++serial}`, schedule: '0 9 * * *', run: (ctx) => void runs.push(ctx.now) } };
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('cron slots in the hospital time zone', () => {
  const daily = new CronSchedule('0 9 * * *', 'Asia/Shanghai');

  it('puts 09:00 in Shanghai at 01:00 UTC, the next day once it has passed', () => {
    expect(daily.nextAfter(new Date('2026-11-23T00:30:00Z'))?.toISOString()).toBe('2026-11-23T01:00:00.000Z');
    expect(daily.nextAfter(new Date('2026-11-23T01:00:00Z'))?.toISOString()).toBe('2026-11-24T01:00:00.000Z');
    expect(daily.latestAtOrBefore(new Date('2026-11-23T01:40:00Z'))?.toISOString()).toBe('2026-11-23T01:00:00.000Z');
    expect(daily.latestAtOrBefore(new Date('2026-11-23T00:59:59Z'))?.toISOString()).toBe('2026-11-22T01:00:00.000Z');
  });

  it('reads every-ten-minutes, weekday and month fields as node-cron does', () => {
    expect(new CronSchedule('*/10 * * * *', 'Asia/Shanghai').nextAfter(new Date('2026-11-23T01:03:00Z'))?.toISOString()).toBe('2026-11-23T01:10:00.000Z');
    // 2026-11-23 is a Monday; the next Sunday 03:00 local is 2026-11-29.
    expect(new CronSchedule('0 3 * * 0', 'Asia/Shanghai').nextAfter(new Date('2026-11-23T00:00:00Z'))?.toISOString()).toBe('2026-11-28T19:00:00.000Z');
    expect(new CronSchedule('30 8 1 1 *', 'Asia/Shanghai').nextAfter(new Date('2026-11-23T00:00:00Z'))?.toISOString()).toBe('2027-01-01T00:30:00.000Z');
  });

  it('follows daylight saving where the zone has it', () => {
    const ny = new CronSchedule('0 9 * * *', 'America/New_York');
    expect(ny.nextAfter(new Date('2026-07-01T00:00:00Z'))?.toISOString()).toBe('2026-07-01T13:00:00.000Z');
    expect(ny.nextAfter(new Date('2026-12-01T00:00:00Z'))?.toISOString()).toBe('2026-12-01T14:00:00.000Z');
  });

  it('refuses an expression that is not cron', () => {
    expect(() => new CronSchedule('every morning', 'Asia/Shanghai')).toThrow(/not a cron expression/);
  });
});

describe('the scheduler', () => {
  it('runs a job at its slot and records the run', async () => {
    const { task, runs } = greetingLike();
    const scheduler = new Scheduler({ deps: h.deps, tasks: [task] });
    scheduler.register(new Date('2026-11-23T00:00:00Z'));

    expect(await scheduler.runDue(new Date('2026-11-23T00:59:00Z'))).toEqual([]);
    const [run] = await scheduler.runDue(new Date('2026-11-23T01:00:00Z'));
    expect(run).toMatchObject({ job: task.name, trigger: 'schedule', slot: '2026-11-23T01:00:00.000Z', status: 'succeeded' });
    expect(await scheduler.runDue(new Date('2026-11-23T01:00:30Z'))).toEqual([]);
    expect(runs).toHaveLength(1);
  });

  it('catches up a greeting missed while the service was down: at 09:40, once, not never and not twice', async () => {
    const { task, runs } = greetingLike();
    const before = new Scheduler({ deps: h.deps, tasks: [task] });
    before.register(new Date('2026-11-22T12:00:00Z'));
    await before.runDue(new Date('2026-11-23T01:00:00Z'));
    expect(runs).toHaveLength(1);

    // Down from the 23rd to 09:40 on the 26th: three slots missed, one run owed.
    const after = new Scheduler({ deps: h.deps, tasks: [task] });
    const caughtUp = await after.catchUp(new Date('2026-11-26T01:40:00Z'));
    expect(caughtUp).toEqual([expect.objectContaining({ trigger: 'catch-up', slot: '2026-11-26T01:00:00.000Z', status: 'succeeded' })]);
    expect(runs.map((d) => d.toISOString())).toEqual(['2026-11-23T01:00:00.000Z', '2026-11-26T01:40:00.000Z']);

    expect(await after.catchUp(new Date('2026-11-26T01:41:00Z'))).toEqual([]);
    expect(await after.runDue(new Date('2026-11-26T01:45:00Z'))).toEqual([]);
    expect(runs).toHaveLength(2);
  });

  it('owes nothing from before a job first existed', async () => {
    const { task, runs } = greetingLike();
    const scheduler = new Scheduler({ deps: h.deps, tasks: [task] });
    scheduler.register(new Date('2026-11-23T01:30:00Z'));
    expect(await scheduler.catchUp(new Date('2026-11-23T01:40:00Z'))).toEqual([]);
    expect(runs).toHaveLength(0);
  });

  it('refuses a second run of a job while one is running, here and on another instance', async () => {
    const gate = deferred();
    let started = 0;
    const task: Task = { name: `test.slow-${++serial}`, schedule: '*/5 * * * *', run: async () => void (started++, await gate.promise) };
    const here = new Scheduler({ deps: h.deps, tasks: [task] });
    const now = new Date('2026-11-23T02:00:00Z');
    here.register(new Date('2026-11-23T01:00:00Z'));
    const first = here.runNow(task.name, { ...h.system(), now });

    await expect(here.runNow(task.name, { ...h.system(), now })).rejects.toMatchObject({ status: 409, code: 'jobs.already_running' });

    // Another process: its own connection to the same database file.
    const otherDb = openDatabase(h.dbPath);
    const elsewhere = new Scheduler({ deps: { ...h.deps, db: otherDb }, tasks: [task], holder: 'instance-2' });
    expect(await elsewhere.runDue(new Date('2026-11-23T02:05:00Z'))).toEqual([]);
    await expect(elsewhere.runNow(task.name, { ...h.system(), now })).rejects.toMatchObject({ code: 'jobs.already_running' });

    gate.resolve();
    expect(await first).toMatchObject({ status: 'succeeded', trigger: 'manual' });
    expect(started).toBe(1);
    // Once the lease is free, the slot that was refused runs on whichever instance ticks first.
    expect(await elsewhere.runDue(new Date('2026-11-23T02:06:00Z'))).toEqual([expect.objectContaining({ slot: '2026-11-23T02:05:00.000Z' })]);
    otherDb.$client.close();
  });

  it('takes over a job whose run died without finishing, once its lease has expired, and says so', async () => {
    const task: Task = { name: `test.dies-${++serial}`, schedule: '0 * * * *', run: () => new Promise<void>(() => {}) };
    const dying = new Scheduler({ deps: h.deps, tasks: [task], leaseMs: 10 * 60_000 });
    dying.register(new Date('2026-11-23T00:00:00Z'));
    void dying.runOwed(task.name, new Date('2026-11-23T01:00:00Z'));
    await new Promise((r) => setTimeout(r, 10));

    const survivor = new Scheduler({ deps: h.deps, tasks: [{ ...task, run: () => ({ done: 1 }) }] });
    expect(await survivor.runDue(new Date('2026-11-23T01:05:00Z'))).toEqual([]);
    await expect(survivor.runNow(task.name, { ...h.system(), now: new Date('2026-11-23T01:05:00Z') })).rejects.toMatchObject({ code: 'jobs.already_running' });

    const [run] = await survivor.runDue(new Date('2026-11-23T02:00:00Z'));
    expect(run).toMatchObject({ status: 'succeeded', counts: { done: 1 } });
    const history = h.db.$client.prepare('SELECT status, error FROM job_runs WHERE job = ? ORDER BY started_at').all(task.name);
    expect(history).toEqual([
      { status: 'abandoned', error: 'lease expired before the run finished' },
      { status: 'succeeded', error: null },
    ]);
  });

  it('records a failed run with its message and frees the job for the next slot', async () => {
    const task: Task = {
      name: `test.fails-${++serial}`,
      schedule: '0 * * * *',
      run: () => {
        throw new Error('SMTP relay refused the connection');
      },
    };
    const scheduler = new Scheduler({ deps: h.deps, tasks: [task] });
    scheduler.register(new Date('2026-11-23T00:00:00Z'));
    const [run] = await scheduler.runDue(new Date('2026-11-23T01:00:00Z'));
    expect(run).toMatchObject({ status: 'failed', error: 'SMTP relay refused the connection' });
    expect(run!.finishedAt).not.toBeNull();
    expect(await scheduler.runDue(new Date('2026-11-23T02:00:00Z'))).toEqual([expect.objectContaining({ status: 'failed', slot: '2026-11-23T02:00:00.000Z' })]);
  });
});

describe('in production', () => {
  it('node-cron triggers the same runOwed on the real clock, in the hospital time zone', async () => {
    let runs = 0;
    const task: Task = { name: `test.every-second-${++serial}`, schedule: '* * * * * *', run: () => void runs++ };
    const scheduler = new Scheduler({ deps: { ...h.deps, clock: systemClock }, tasks: [task] });
    scheduler.register(new Date(Date.now() - 60_000));
    scheduler.startCron();
    const deadline = Date.now() + 5000;
    while (runs === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await scheduler.stopCron();
    expect(runs).toBeGreaterThan(0);
    const run = h.db.$client.prepare('SELECT trigger, status FROM job_runs WHERE job = ? LIMIT 1').get(task.name);
    expect(run).toEqual({ trigger: 'schedule', status: 'succeeded' });
  });
});

