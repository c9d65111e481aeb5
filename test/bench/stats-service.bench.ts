import { buildApp } from '../../src/app.js';
import { addDays, localDate } from '../../src/lib/clock.js';
import { systemContext } from '../../src/lib/context.js';
import { createStaff } from '../../src/modules/staff/staff.service.js';
import { rebuildMonthlyRollups } from '../../src/modules/stats/month-rollup.service.js';
import { instantsOf } from '../../src/modules/stats/periods.js';
import { emit, note, timeEach } from './report.js';
import { timeStatsViews, type StatsView } from './stats-views.js';
import { statsServiceHospital } from './stats-service-fixture.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);

/**
 * The service figures (appointments, follow-up, call centre, at-risk) at `scale` times the demo, on their own
 * generated hospital: each view's server time (app.inject: routing, auth, service, serialization) for an
 * administrator and for a department's manager, against a raw SQL count over the same table and period, measured
 * in the same run; first the monthly service rollups are rebuilt from scratch and timed.
 */
export async function serviceViews(scale: number): Promise<void> {
  const { db, deps, counts } = await statsServiceHospital(scale);
  const c = db.$client;
  const tag = `@x${scale}`;
  note(`stats service bench on ${JSON.stringify(counts)}`);
  const ctx = systemContext(deps, 'bench');
  // The monthly service rollups from scratch (what stats:rebuild adds for them) against one grouped scan of the
  // bookings by month.
  const rebuildStarted = performance.now();
  const rebuilt = await rebuildMonthlyRollups(ctx);
  const rebuildMs = performance.now() - rebuildStarted;
  const scan = timeEach([0], () => c.prepare('SELECT substr(date, 1, 7), department_id, count(*) FROM appointments GROUP BY 1, 2').all());
  note(`monthly rollups: ${JSON.stringify(rebuilt)}`);
  emit('stats', `service_rollup_rebuild_ms${tag}`, rebuildMs, 'ms', scan[0]!);
  const app = await buildApp({ deps, version: 'bench', logLevel: 'silent' });
  const signIn = async (role: 'admin' | 'manager', departmentId: string | null) => {
    const username = `bench-${role}-${Date.now()}`;
    await createStaff(ctx, { username, displayName: 'bench', role, departmentId, password: 'bench password 2026' });
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: 'bench password 2026' } });
    return { authorization: `Bearer ${(login.json() as { token: string }).token}` };
  };
  const admin = await signIn('admin', null);
  const manager = await signIn('manager', 'd3');

  const today = localDate(new Date(), deps.timeZone);
  const month = `from=${addDays(today, -29)}&to=${today}`;
  const year = `from=${addDays(today, -364)}&to=${today}`;
  const span = (days: number) => instantsOf({ from: addDays(today, -(days - 1)), to: today }, deps.timeZone);
  const count = (table: string, column: string, days: number) => {
    const { start, end } = span(days);
    return () => c.prepare(`SELECT count(*) FROM ${table} WHERE ${column} >= ? AND ${column} < ?`).get(start, end);
  };
  const countDays = (days: number) => () => c.prepare('SELECT count(*) FROM appointments WHERE date BETWEEN ? AND ?').get(addDays(today, -(days - 1)), today);

  const views: StatsView[] = [
    { figure: 'appointments_volume_30d', url: `/api/stats/appointments/volume?${month}`, baseline: countDays(30) },
    { figure: 'appointments_volume_365d', url: `/api/stats/appointments/volume?${year}`, baseline: countDays(365) },
    { figure: 'appointments_by_doctor_365d', url: `/api/stats/appointments/volume?${year}&by=doctor`, baseline: countDays(365) },
    { figure: 'appointments_by_channel_manager_365d', url: `/api/stats/appointments/volume?${year}&by=channel`, headers: manager, baseline: countDays(365) },
    { figure: 'appointments_trend_month_365d', url: `/api/stats/appointments/trend?${year}&grain=month`, baseline: countDays(365) },
    { figure: 'appointments_list_30d', url: `/api/stats/appointments/list?${month}&departmentId=d3&channel=phone`, baseline: countDays(30) },
    { figure: 'followup_coverage_30d', url: `/api/stats/followup/coverage?${month}`, baseline: count('encounters', 'end_at', 30) },
    { figure: 'followup_coverage_365d', url: `/api/stats/followup/coverage?${year}`, baseline: count('encounters', 'end_at', 365) },
    { figure: 'followup_completion_365d', url: `/api/stats/followup/completion?${year}`, baseline: count('followup_tasks', 'due_at', 365) },
    { figure: 'followup_on_time_manager_365d', url: `/api/stats/followup/on-time?${year}`, headers: manager, baseline: count('followup_tasks', 'due_at', 365) },
    { figure: 'followup_reach_30d', url: `/api/stats/followup/reach?${month}`, baseline: count('followup_task_attempts', 'at', 30) },
    { figure: 'followup_reach_365d', url: `/api/stats/followup/reach?${year}`, baseline: count('followup_task_attempts', 'at', 365) },
    { figure: 'consultations_by_category_365d', url: `/api/stats/consultations/by-category?${year}`, baseline: count('consultations', 'created_at', 365) },
    { figure: 'feedback_summary_30d', url: `/api/stats/feedback/summary?${month}`, baseline: count('feedback', 'created_at', 30) },
    { figure: 'feedback_summary_365d', url: `/api/stats/feedback/summary?${year}`, baseline: count('feedback', 'created_at', 365) },
    { figure: 'at_risk_30d', url: `/api/stats/patients/at-risk?${month}`, baseline: count('questionnaire_responses', 'authored_at', 30) },
    { figure: 'at_risk_manager_30d', url: `/api/stats/patients/at-risk?${month}`, headers: manager, baseline: count('questionnaire_responses', 'authored_at', 30) },
    { figure: 'service_tables_csv_appointments_365d', url: `/app/stats/export/appointments.csv?${year}`, baseline: countDays(365) },
  ];
  await timeStatsViews(app, views, { headers: admin, runs: RUNS, tag });
  await app.close();
  await deps.readAudit?.close();
  c.close();
}
