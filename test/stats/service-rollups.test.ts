import { describe, expect, it } from 'vitest';
import { rebuildMonthlyRollups, rollUpFinishedMonths } from '../../src/modules/stats/month-rollup.service.js';
import { splitAtRolledMonths } from '../../src/modules/stats/months.js';
import { getOk, useTestHospital } from '../helpers/app.js';
import { rollupHospital } from './rollup-hospital.js';

/*
 * The monthly service rollups give the numbers the direct queries give: every figure below is asked before any month
 * is rolled up (read directly from the tables) and again after, when whole months come from the rollup and the
 * partial months at either end from the tables. The clock stands at 2026-11-23 10:00 (Asia/Shanghai).
 */
const h = await useTestHospital();
const { departments, doctors } = await rollupHospital(h);
const [card, orth] = departments as [string, string, string];
const admin = await h.signIn('admin');
const manager = await h.signIn('manager', { departmentId: orth });

const PERIODS = {
  year: 'from=2025-11-24&to=2026-11-23',
  midMonthToMidMonth: 'from=2026-02-15&to=2026-09-10',
  oneWholeMonth: 'from=2026-03-01&to=2026-03-31',
  endsOnAMonthEnd: 'from=2026-04-20&to=2026-06-30',
  startsOnAMonthStart: 'from=2026-05-01&to=2026-08-17',
  emptyMonth: 'from=2026-07-01&to=2026-07-31',
  beforeAnyData: 'from=2025-03-01&to=2025-05-31',
  intoTheFuture: 'from=2026-10-01&to=2026-12-31',
  oneDay: 'from=2026-10-31&to=2026-10-31',
};
const VIEWS = [
  '/api/stats/appointments/volume?by=department',
  '/api/stats/appointments/volume?by=doctor',
  '/api/stats/appointments/volume?by=channel',
  `/api/stats/appointments/volume?by=channel&departmentId=${card}&channel=phone`,
  `/api/stats/appointments/volume?by=doctor&doctorId=${doctors[0]!.staff}`,
  '/api/stats/appointments/trend?grain=month',
  '/api/stats/appointments/trend?grain=quarter',
  '/api/stats/appointments/trend?grain=week',
  '/api/stats/followup/coverage?lang=en',
  `/api/stats/followup/coverage?departmentId=${card}`,
  `/api/stats/followup/coverage?doctorId=${doctors[1]!.staff}`,
  '/api/stats/followup/reach?lang=zh-CN',
  `/api/stats/followup/reach?doctorId=${doctors[2]!.staff}`,
];

const get = (url: string, headers: Record<string, string> = admin.headers) => getOk(h, url, headers);

/** Every view over every period, as an administrator and as ORTH's manager (held to ORTH), and the CSV export. */
async function everyFigure() {
  const out: Record<string, unknown> = {};
  for (const [name, period] of Object.entries(PERIODS)) {
    for (const view of VIEWS) out[`${view}&${name}`] = await get(`${view}&${period}`);
    for (const view of VIEWS.filter((v) => !v.includes('departmentId'))) out[`manager ${view}&${name}`] = await get(`${view}&${period}`, manager.headers);
    out[`csv ${name}`] = (await h.app.inject({ method: 'GET', url: `/app/stats/export/appointments.csv?${period}`, headers: admin.headers })).body;
  }
  return out;
}

const direct = await everyFigure();
const built = await rebuildMonthlyRollups(h.system());

describe('monthly service rollups', () => {
  it('roll up every finished month from the first one with data; November, under way, stays live', () => {
    expect(built.months).toEqual({ appointments: 10, discharges: 10, 'call-attempts': 10 });
    const months = h.db.$client.prepare("SELECT month FROM stats_rollup_months WHERE rollup = 'appointments' ORDER BY month").pluck().all();
    expect(months[0]).toBe('2026-01');
    expect(months.at(-1)).toBe('2026-10');
    // July had nothing: rolled, with no rows, so its empty figures come from the rollup too.
    expect(h.db.$client.prepare("SELECT count(*) FROM stats_appointments_monthly WHERE month = '2026-07'").pluck().get()).toBe(0);
  });

  it('give the same figures as the direct queries: whole months, mid-month ends, empty periods, a manager’s department, a doctor', async () => {
    const rolled = await everyFigure();
    // The figures are not all empty: the comparison means something.
    expect((direct[`/api/stats/appointments/volume?by=department&year`] as { total: { booked: number } }).total.booked).toBeGreaterThan(300);
    expect((direct[`/api/stats/followup/coverage?lang=en&year`] as { overall: { denominator: number } }).overall.denominator).toBeGreaterThan(100);
    expect((direct[`/api/stats/followup/reach?lang=zh-CN&year`] as { overall: { denominator: number } }).overall.denominator).toBeGreaterThan(200);
    expect((direct[`/api/stats/appointments/volume?by=department&emptyMonth`] as { total: { booked: number } }).total.booked).toBe(0);
    for (const key of Object.keys(direct)) expect(rolled[key], key).toEqual(direct[key]);
  });

  it('the figures read the rollup: a change to an old month shows only once the rollups are rebuilt', async () => {
    const url = `/api/stats/appointments/volume?by=department&${PERIODS.oneWholeMonth}`;
    const before = await get(url);
    const booking = h.db.$client.prepare("SELECT id FROM appointments WHERE date LIKE '2026-03-%' AND status = 'completed' LIMIT 1").pluck().get() as string;
    h.db.$client.prepare("UPDATE appointments SET status = 'no_show' WHERE id = ?").run(booking);
    // The nightly job rebuilds only the last rolled month and the one before (September, October), not March.
    await rollUpFinishedMonths(h.system());
    expect((await get(url)).total.noShow.numerator).toBe(before.total.noShow.numerator);
    await rebuildMonthlyRollups(h.system());
    expect((await get(url)).total.noShow.numerator).toBe(before.total.noShow.numerator + 1);
  });

  it('the nightly job picks up late changes to the last month it rolled: a no-show marked afterwards, a plan opened late', async () => {
    const volume = `/api/stats/appointments/volume?by=department&from=2026-10-01&to=2026-10-31`;
    const coverage = `/api/stats/followup/coverage?from=2026-10-01&to=2026-10-31`;
    const [v0, c0] = [await get(volume), await get(coverage)];
    const booking = h.db.$client.prepare("SELECT id FROM appointments WHERE date LIKE '2026-10-%' AND status = 'completed' LIMIT 1").pluck().get() as string;
    h.db.$client.prepare("UPDATE appointments SET status = 'no_show' WHERE id = ?").run(booking);
    const stay = h.db.$client
      .prepare("SELECT e.id, e.patient_id FROM encounters e WHERE e.class = 'inpatient' AND e.status = 'finished' AND e.end_at >= '2026-09-30T16:00:00.000Z' AND e.end_at < '2026-10-31T16:00:00.000Z' AND NOT EXISTS (SELECT 1 FROM followup_enrolments f WHERE f.encounter_id = e.id) LIMIT 1")
      .get() as { id: string; patient_id: string };
    h.db.$client
      .prepare("INSERT INTO followup_enrolments (id, patient_id, plan_code, plan_version, keep_version, encounter_id, trigger, anchor_date, reason, status, created_at, created_by) VALUES ('late-plan', ?, 'test-discharge', 1, 0, ?, 'discharge', '2026-10-31', 'late', 'active', ?, 'test')")
      .run(stay.patient_id, stay.id, h.clock.now().toISOString());
    const report = await rollUpFinishedMonths(h.system());
    expect(report.months).toEqual({ appointments: 2, discharges: 2, 'call-attempts': 2 });
    expect((await get(volume)).total.noShow.numerator).toBe(v0.total.noShow.numerator + 1);
    expect((await get(coverage)).overall.numerator).toBe(c0.overall.numerator + 1);
  });

  it('a department’s completion and on-time rates (read from its own index) are the department’s rows of the hospital’s', async () => {
    for (const id of ['completion', 'on-time']) {
      const hospital = await get(`/api/stats/followup/${id}?${PERIODS.year}`);
      const own = await get(`/api/stats/followup/${id}?${PERIODS.year}`, manager.headers);
      const row = hospital.rows.find((r: { key: string }) => r.key === orth);
      expect(row.rate.denominator).toBeGreaterThan(20);
      expect(own.rows).toEqual([row]);
      expect(own.overall).toEqual(row.rate);
      const doctor = await get(`/api/stats/followup/${id}?${PERIODS.midMonthToMidMonth}&departmentId=${card}&doctorId=${doctors[0]!.staff}`);
      const tasks = h.db.$client
        .prepare("SELECT count(*) FROM followup_tasks WHERE department_id = ? AND assignee_id = ? AND status <> 'cancelled' AND due_at >= '2026-02-14T16:00:00.000Z' AND due_at < '2026-09-10T16:00:00.000Z'")
        .pluck()
        .get(card, doctors[0]!.staff);
      expect(doctor.overall.denominator).toBe(tasks);
    }
  });

  it('the nightly job stats.rollup rolls up the finished months too', async () => {
    h.db.$client.exec("DELETE FROM stats_rollup_months WHERE month >= '2026-09'");
    const run = await h.app.inject({ method: 'POST', url: '/api/jobs/stats.rollup/run', headers: admin.headers });
    expect(run.statusCode, run.body).toBeLessThan(300);
    // The last rolled month is now August: July and August again, then September and October.
    expect(run.json()).toMatchObject({ status: 'succeeded', counts: { appointmentMonths: 4, dischargeMonths: 4, callAttemptMonths: 4 } });
    expect(h.db.$client.prepare("SELECT count(*) FROM stats_rollup_months WHERE month >= '2026-09' AND rollup <> 'satisfaction'").pluck().get()).toBe(6);
  });

  it('a manager is still held to their department with the rollups', async () => {
    const reply = await h.app.inject({ method: 'GET', url: `/api/stats/followup/reach?${PERIODS.year}&departmentId=${card}`, headers: manager.headers });
    expect(reply.statusCode).toBe(403);
    const own = await get(`/api/stats/followup/reach?${PERIODS.year}`, manager.headers);
    expect(own.rows.map((r: { key: string }) => r.key)).toEqual([orth]);
  });
});

describe('a period cut at month boundaries', () => {
  const rolled = new Set(['2026-01', '2026-02', '2026-03', '2026-05', '2026-06']);
  it('whole rolled months from the rollup, the partial months at either end read directly', () => {
    expect(splitAtRolledMonths({ from: '2025-12-15', to: '2026-03-10' }, rolled)).toEqual({
      months: ['2026-01', '2026-02'],
      stretches: [
        { from: '2025-12-15', to: '2025-12-31' },
        { from: '2026-03-01', to: '2026-03-10' },
      ],
    });
  });
  it('a month not rolled in the middle is read directly, joined to its neighbours into one run', () => {
    expect(splitAtRolledMonths({ from: '2026-03-15', to: '2026-07-31' }, rolled)).toEqual({
      months: ['2026-05', '2026-06'],
      stretches: [
        { from: '2026-03-15', to: '2026-04-30' },
        { from: '2026-07-01', to: '2026-07-31' },
      ],
    });
  });
  it('a period inside one month, a single day, and a whole month exactly', () => {
    expect(splitAtRolledMonths({ from: '2026-02-03', to: '2026-02-27' }, rolled)).toEqual({ months: [], stretches: [{ from: '2026-02-03', to: '2026-02-27' }] });
    expect(splitAtRolledMonths({ from: '2026-02-28', to: '2026-02-28' }, rolled)).toEqual({ months: [], stretches: [{ from: '2026-02-28', to: '2026-02-28' }] });
    expect(splitAtRolledMonths({ from: '2026-02-01', to: '2026-02-28' }, rolled)).toEqual({ months: ['2026-02'], stretches: [] });
  });
});
