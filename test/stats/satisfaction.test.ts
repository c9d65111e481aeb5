import { describe, expect, it } from 'vitest';
import { getOk, useTestHospital } from '../helpers/app.js';
import { satisfactionHospital } from './fixture.js';

/*
 * Every satisfaction figure against the hand-computed fixture (see fixture.ts). The period 2026-11-01 … 2026-11-21
 * holds r1–r4; the previous period of the same length (2026-10-11 … 2026-10-31) holds r5 alone.
 */
const h = await useTestHospital();
const f = await satisfactionHospital(h);
const admin = await h.signIn('admin');
const PERIOD = 'from=2026-11-01&to=2026-11-21';

const get = (url: string, headers: Record<string, string> = admin.headers) => getOk(h, url, headers);

function figuresFor(run: 'live' | 'rolled up') {
  describe(`satisfaction figures (${run})`, () => {
    it('summary: mean with a t interval, share satisfied with a Wilson interval, NPS, change against the previous period', async () => {
      const s = await get(`/api/stats/satisfaction/summary?${PERIOD}`);
      expect(s.period).toEqual({ from: '2026-11-01', to: '2026-11-21' });
      expect(s.previousPeriod).toEqual({ from: '2026-10-11', to: '2026-10-31' });
      expect(s.current.responses).toBe(4);
      // 5, 4, 2, 4: mean 3.75, s² = 4.75 / 3, se = 0.62915, t(3) = 3.182.
      expect(s.current.satisfaction.value).toBeCloseTo(3.75, 10);
      expect(s.current.satisfaction.ci.low).toBeCloseTo(1.748, 3);
      expect(s.current.satisfaction.ci.high).toBeCloseTo(5.752, 3);
      expect(s.current.satisfaction.ci.method).toBe('t');
      // 3 of 4 answered 4 or 5: Wilson [0.3006, 0.9544].
      expect(s.current.satisfied).toMatchObject({ numerator: 3, denominator: 4, denominatorName: 'responded', value: 0.75 });
      expect(s.current.satisfied.ci.low).toBeCloseTo(0.3006, 4);
      expect(s.current.satisfied.ci.high).toBeCloseTo(0.9544, 4);
      // NPS answers 10, 8, 3, 9: 2 promoters, 1 passive, 1 detractor → 25; ±81.26, capped at 100.
      expect(s.current.nps).toMatchObject({ promoters: 2, passives: 1, detractors: 1, n: 4, value: 25 });
      expect(s.current.nps.ci.low).toBeCloseTo(-56.26, 2);
      expect(s.current.nps.ci.high).toBe(100);
      // A single response in the previous period: a mean but no interval; 0 of 1 satisfied; NPS −100.
      expect(s.previous.satisfaction).toEqual({ value: 3, n: 1, ci: null });
      expect(s.previous.satisfied).toMatchObject({ numerator: 0, denominator: 1, value: 0 });
      expect(s.previous.nps).toMatchObject({ value: -100, detractors: 1, ci: null });
      expect(s.change).toEqual({ satisfaction: 0.75, satisfiedShare: 0.75, nps: 125, responses: 3 });
    });

    it('an empty period and a department with no data: null figures with 0 denominators, never 0 %', async () => {
      for (const path of [`/api/stats/satisfaction/summary?from=2026-09-01&to=2026-09-30`, `/api/stats/satisfaction/summary?${PERIOD}&departmentId=${f.eye}`]) {
        const s = await get(path);
        expect(s.current.responses).toBe(0);
        expect(s.current.satisfaction).toEqual({ value: null, n: 0, ci: null });
        expect(s.current.satisfied).toEqual({ value: null, numerator: 0, denominator: 0, denominatorName: 'responded', ci: null });
        expect(s.current.nps).toEqual({ value: null, promoters: 0, passives: 0, detractors: 0, n: 0, ci: null });
      }
    });

    it('breakdown by department, doctor and encounter class, lowest mean first', async () => {
      const byDept = await get(`/api/stats/satisfaction/breakdown?${PERIOD}&by=department`);
      expect(byDept.rows.map((r: { label: string; responses: number; satisfaction: { value: number } }) => [r.label, r.responses, Number(r.satisfaction.value.toFixed(4))])).toEqual([
        ['心内科', 3, 3.6667],
        ['骨科', 1, 4],
      ]);
      expect(byDept.rows[1].satisfaction.ci).toBeNull();
      const byDoctor = await get(`/api/stats/satisfaction/breakdown?${PERIOD}&by=doctor&lang=en`);
      expect(byDoctor.rows.map((r: { label: string }) => r.label)).toEqual(['zhangwei', 'lina']);
      const byClass = await get(`/api/stats/satisfaction/breakdown?${PERIOD}&by=class&lang=en`);
      expect(byClass.rows.map((r: { key: string; satisfaction: { value: number } }) => [r.key, r.satisfaction.value])).toEqual([
        ['inpatient', 2],
        ['', 4],
        ['outpatient', 5],
      ]);
    });

    it('trend by week (from Monday) keeps the empty weeks', async () => {
      const t = await get(`/api/stats/satisfaction/trend?${PERIOD}&grain=week`);
      expect(t.buckets.map((b: { bucket: string; responses: number; satisfaction: { value: number | null } }) => [b.bucket, b.responses, b.satisfaction.value])).toEqual([
        ['2026-10-26', 0, null],
        ['2026-11-02', 2, 4.5],
        ['2026-11-09', 2, 3],
        ['2026-11-16', 0, null],
      ]);
      const q = await get(`/api/stats/satisfaction/trend?from=2026-10-01&to=2026-12-31&grain=quarter`);
      expect(q.buckets.map((b: { bucket: string; responses: number }) => [b.bucket, b.responses])).toEqual([['2026-Q4', 5]]);
    });

    it('aspect scores and the lowest items, ties broken by question id', async () => {
      const a = await get(`/api/stats/satisfaction/aspects?${PERIOD}&lang=en`);
      expect(Object.fromEntries(a.aspects.map((x: { aspect: string; score: { value: number } }) => [x.aspect, x.score.value]))).toEqual({
        'aspect-cost': 3,
        'aspect-doctor': 4.25,
        'aspect-environment': 4,
        'aspect-explanation': 2.5,
        'aspect-nursing': 5,
        'aspect-waiting': 2.5,
      });
      const low = await get(`/api/stats/satisfaction/lowest-items?${PERIOD}&limit=4`);
      expect(low.items.map((i: { linkId: string; score: { value: number } }) => [i.linkId, i.score.value])).toEqual([
        ['explanation', 2.5],
        ['waiting', 2.5],
        ['cost', 3],
        ['overall', 3.75],
      ]);
      // Every answer alike: the interval is the value itself.
      expect(low.items[2].score.ci).toMatchObject({ low: 3, high: 3 });
    });
  });
}

figuresFor('live');

describe('rollups', () => {
  it('the nightly job rolls up every finished day; figures do not change; today stays live', async () => {
    const run = await h.app.inject({ method: 'POST', url: '/api/jobs/stats.rollup/run', headers: admin.headers });
    expect(run.statusCode).toBe(200);
    const days = h.db.$client.prepare('SELECT count(*) AS n, min(day) AS first, max(day) AS last FROM stats_rollup_days').get();
    expect(days).toEqual({ n: 34, first: '2026-10-20', last: '2026-11-22' });
    expect(h.db.$client.prepare('SELECT sum(responses) AS n FROM stats_satisfaction_daily').get()).toEqual({ n: 5 });
  });
});

figuresFor('rolled up');

describe('rebuilding the rollups', () => {
  const snapshot = () => h.db.$client.prepare('SELECT * FROM stats_satisfaction_daily ORDER BY day, department_id, doctor_id, questionnaire_id, encounter_class').all();

  it('rebuilds the same rows from scratch; running the nightly job again changes nothing', async () => {
    const before = snapshot();
    expect(before.length).toBeGreaterThan(0);
    const { rebuildAllRollups, rollUpFinishedDays } = await import('../../src/modules/stats/rollup.service.js');
    const report = await rebuildAllRollups(h.system());
    expect(report).toEqual({ days: 34, responses: 5, from: '2026-10-20', to: '2026-11-22' });
    expect(snapshot()).toEqual(before);
    const again = await rollUpFinishedDays(h.system());
    expect(again).toMatchObject({ days: 1, from: '2026-11-22', to: '2026-11-22' });
    expect(snapshot()).toEqual(before);
  });

  it('npm run stats:rebuild does it from the command line', async () => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    h.db.$client.exec('DELETE FROM stats_satisfaction_daily; DELETE FROM stats_rollup_days');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/modules/stats/rebuild-cli.ts'], { env: { ...process.env, HCRM_DB_PATH: h.dbPath, HCRM_SECRET_KEY: 'test-secret-key-of-at-least-32-characters' } });
    const report = JSON.parse(stdout.trim().split('\n').at(-1)!);
    // The command runs on the real clock: every day up to yesterday, whatever today is.
    expect(report).toMatchObject({ responses: 5, from: '2026-10-20' });
    expect(h.db.$client.prepare('SELECT sum(responses) AS n FROM stats_satisfaction_daily').get()).toEqual({ n: 5 });
  }, 60_000);
});
