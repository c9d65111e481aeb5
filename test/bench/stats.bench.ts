import { buildApp } from '../../src/app.js';
import { addDays, localDate } from '../../src/lib/clock.js';
import { systemContext } from '../../src/lib/context.js';
import { createStaff } from '../../src/modules/staff/staff.service.js';
import { rebuildRfmSnapshots } from '../../src/modules/stats/rfm-snapshot.service.js';
import { rebuildAllRollups } from '../../src/modules/stats/rollup.service.js';
import { instantsOf } from '../../src/modules/stats/periods.js';
import { emit, note, timeEach } from './report.js';
import { timeStatsViews, type StatsView } from './stats-views.js';
import { statsHospital } from './stats-fixture.js';
import { serviceViews } from './stats-service.bench.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);

/**
 * The statistics at BENCH_STATS_SCALE times the demo (default 100: 5,000,000 encounters, 1,000,000 responses,
 * 2,000,000 messages): the rollup rebuild against one grouped scan of the responses, and each dashboard view's
 * server time (app.inject: routing, auth, service, serialization; no network) against a raw SQL count over the same
 * table and period, both measured in this run.
 */
export async function run(): Promise<void> {
  const scale = Number(process.env.BENCH_STATS_SCALE ?? 100);
  // BENCH_STATS_PART=service runs only the service figures (their own hospital file); =satisfaction only these.
  if (process.env.BENCH_STATS_PART === 'service') return serviceViews(scale);
  const { db, deps, counts } = await statsHospital(scale);
  const c = db.$client;
  const tag = `@x${scale}`;
  note(`stats bench on ${JSON.stringify(counts)}`);

  const ctx = systemContext(deps, 'bench');
  const rebuildStarted = performance.now();
  const report = await rebuildAllRollups(ctx);
  const rebuildMs = performance.now() - rebuildStarted;
  const scan = timeEach([0], () => c.prepare('SELECT department_id, doctor_id, count(*), sum(satisfaction) FROM questionnaire_responses GROUP BY 1, 2').all());
  note(`rollup: ${report.days} days, ${report.responses} responses`);
  emit('stats', `rollup_rebuild_ms${tag}`, rebuildMs, 'ms', scan[0]!);
  // The monthly RFM snapshots from scratch (what stats:rebuild adds) against one grouped scan of the visits.
  const rfmStarted = performance.now();
  const rfm = await rebuildRfmSnapshots(ctx);
  const rfmMs = performance.now() - rfmStarted;
  const visits = timeEach([0], () => c.prepare('SELECT patient_id, max(start_at), count(*), sum(charges_cents) FROM encounters GROUP BY patient_id').all());
  note(`rfm snapshots: ${rfm.snapshots} months, ${rfm.patients} patients in the last`);
  emit('stats', `rfm_snapshot_rebuild_ms${tag}`, rfmMs, 'ms', visits[0]!);

  const app = await buildApp({ deps, version: 'bench', logLevel: 'silent' });
  const username = `bench-admin-${Date.now()}`;
  await createStaff(ctx, { username, displayName: 'bench', role: 'admin', departmentId: null, password: 'bench password 2026' });
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: 'bench password 2026' } });
  const headers = { authorization: `Bearer ${(login.json() as { token: string }).token}` };

  const today = localDate(new Date(), deps.timeZone);
  const month = `from=${addDays(today, -29)}&to=${today}`;
  const year = `from=${addDays(today, -364)}&to=${today}`;
  const span = (days: number) => instantsOf({ from: addDays(today, -(days - 1)), to: today }, deps.timeZone);
  const count = (table: string, column: string, days: number) => {
    const { start, end } = span(days);
    return () => c.prepare(`SELECT count(*) FROM ${table} WHERE ${column} >= ? AND ${column} < ?`).get(start, end);
  };

  const views: StatsView[] = [
    { figure: 'dashboard_page_30d', url: `/app/stats?${month}`, baseline: count('questionnaire_responses', 'authored_at', 30) },
    { figure: 'dashboard_page_365d', url: `/app/stats?${year}&grain=month`, baseline: count('questionnaire_responses', 'authored_at', 365) },
    { figure: 'satisfaction_summary_365d', url: `/api/stats/satisfaction/summary?${year}`, baseline: count('questionnaire_responses', 'authored_at', 365) },
    { figure: 'satisfaction_by_doctor_365d', url: `/api/stats/satisfaction/breakdown?${year}&by=doctor`, baseline: count('questionnaire_responses', 'authored_at', 365) },
    { figure: 'satisfaction_trend_month_365d', url: `/api/stats/satisfaction/trend?${year}&grain=month`, baseline: count('questionnaire_responses', 'authored_at', 365) },
    { figure: 'aspects_365d', url: `/api/stats/satisfaction/aspects?${year}`, baseline: count('questionnaire_responses', 'authored_at', 365) },
    { figure: 'lowest_items_365d', url: `/api/stats/satisfaction/lowest-items?${year}`, baseline: count('questionnaire_responses', 'authored_at', 365) },
    { figure: 'comments_30d', url: `/api/stats/satisfaction/comments?${month}&maxSatisfaction=2`, baseline: count('questionnaire_responses', 'authored_at', 30) },
    { figure: 'responses_drill_30d', url: `/api/stats/satisfaction/responses?${month}&departmentId=d3`, baseline: count('questionnaire_responses', 'authored_at', 30) },
    { figure: 'lazy_table_pyramid_30d', url: `/app/stats/fragment/pyramid?${month}`, baseline: count('encounters', 'start_at', 30) },
    // The dashboard's further tables over a year: distinct patients (not additive over days) read live.
    { figure: 'pyramid_365d', url: `/api/stats/patients/pyramid?${year}`, baseline: count('encounters', 'start_at', 365) },
    { figure: 'new_returning_365d', url: `/api/stats/patients/new-returning?${year}`, baseline: count('encounters', 'start_at', 365) },
    { figure: 'sources_365d', url: `/api/stats/patients/sources?${year}`, baseline: count('patients', 'created_at', 365) },
    { figure: 'messages_delivery_30d', url: `/api/stats/messages/delivery?${month}`, baseline: count('messages', 'created_at', 30) },
    { figure: 'new_returning_30d', url: `/api/stats/patients/new-returning?${month}`, baseline: count('encounters', 'start_at', 30) },
    { figure: 'pyramid_30d', url: `/api/stats/patients/pyramid?${month}`, baseline: count('encounters', 'start_at', 30) },
    { figure: 'disease_mix_30d', url: `/api/stats/patients/disease-mix?${month}`, baseline: count('encounters', 'start_at', 30) },
    { figure: 'disease_mix_365d', url: `/api/stats/patients/disease-mix?${year}`, baseline: count('encounters', 'start_at', 365) },
    { figure: 'rfm_30d', url: `/api/stats/patients/rfm?${month}`, baseline: count('encounters', 'start_at', 730) },
    { figure: 'rfm_365d', url: `/api/stats/patients/rfm?${year}`, baseline: count('encounters', 'start_at', 730) },
    { figure: 'rfm_page_30d', url: `/app/stats/table/rfm?${month}`, baseline: count('encounters', 'start_at', 730) },
    { figure: 'at_risk_30d', url: `/api/stats/patients/at-risk?${month}`, baseline: count('questionnaire_responses', 'authored_at', 30) },
  ];
  const fewer = (figure: string) => figure.startsWith('rfm') || figure.startsWith('dashboard');
  await timeStatsViews(app, views.map((view) => (fewer(view.figure) ? { ...view, runs: Math.max(3, Math.floor(RUNS / 4)) } : view)), { headers, runs: RUNS, tag });
  await app.close();
  await deps.readAudit?.close();
  c.close();
  if (process.env.BENCH_STATS_PART !== 'satisfaction') await serviceViews(scale);
}
