import { describe, expect, it } from 'vitest';
import { addEncounter, createPatient } from '../../src/modules/patients/patients.service.js';
import { rebuildRfmSnapshots, takeRfmSnapshots } from '../../src/modules/stats/rfm-snapshot.service.js';
import { rebuildAllRollups, rollUpFinishedDays } from '../../src/modules/stats/rollup.service.js';
import { getOk, useTestHospital } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';

/*
 * RFM snapshots and the disease-mix rollup give the answers the live computation gives. The clock stands at
 * 2026-11-23 10:00 (Asia/Shanghai), so the nightly snapshot of November is as of 11-22, moving from 10-31.
 *
 * | patient | visits (department, charges, diagnoses)                                  | 10-31     | 11-22     |
 * | P1      | CARD 09-01 ¥8,000 E11.9 · CARD 11-05 ¥3,000 I10                           | new       | champions |
 * | P2      | ORTH 10-20 cancelled K29.7 (never counts) · ORTH 11-06 ¥500 S82.0         | —         | new       |
 * | P3      | CARD 03-01, 04-01, 06-01, 08-10 ¥100 each (nothing in May)                | champions | at_risk   |
 * | P4      | ORTH 10-15 ¥1,000 J18.9 · CARD 11-20 ¥12,000 C34.9 and D95.0 (no chapter) | new       | champions |
 * | P5      | no department 08-15 ¥0                                                    | new       | potential |
 *
 * P1 at 10-31: 60 days, 1 visit, ¥8,000 → R3 F1 M2 → new; at 11-22: 17 days, 2 visits, ¥11,000 → M3 → champions.
 * P3 at 11-22: 104 days since 08-10, 4 visits → R2 F3 → at risk. P5 at 11-22: 99 days, 1 visit → potential.
 * By department: CARD sees P4 first on 11-20 (— → champions); ORTH keeps P4 as new (11-15 … 38 days, ¥1,000).
 */
const h = await useTestHospital();
const card = await h.department('CARD', '心内科');
const orth = await h.department('ORTH', '骨科');
const eye = await h.department('EYE', '眼科');
const admin = await h.signIn('admin');

async function patient(name: string) {
  h.clock.set('2026-03-01T02:00:00.000Z');
  return createPatient(h.system(), aPatient({ name, identifiers: [], residentId: null }));
}
async function visit(patientId: string, departmentId: string, day: string, yuan: number, codes: string[] = [], status: 'finished' | 'cancelled' = 'finished') {
  await addEncounter(h.system(), patientId, {
    class: 'outpatient',
    status,
    departmentId,
    startAt: `${day}T01:00:00.000Z`,
    chargesCents: yuan * 100,
    diagnoses: codes.map((code, i) => ({ code, text: code, primary: i === 0 })),
    procedures: [],
  });
}

const [p1, p2, p3, p4, p5] = [await patient('李建国'), await patient('陈静'), await patient('王芳'), await patient('赵磊'), await patient('孙丽')];
await visit(p1.id, card, '2026-09-01', 8000, ['E11.9']);
await visit(p1.id, card, '2026-11-05', 3000, ['I10']);
await visit(p2.id, orth, '2026-10-20', 200, ['K29.7'], 'cancelled');
await visit(p2.id, orth, '2026-11-06', 500, ['S82.0']);
for (const d of ['2026-03-01', '2026-04-01', '2026-06-01', '2026-08-10']) await visit(p3.id, card, d, 100);
await visit(p4.id, orth, '2026-10-15', 1000, ['J18.9']);
await visit(p4.id, card, '2026-11-20', 12000, ['C34.9', 'D95.0']);
await visit(p5.id, eye, '2026-08-15', 0);
// A visit imported without a department (the HIS sent none).
h.db.$client.prepare('UPDATE encounters SET department_id = NULL WHERE patient_id = ?').run(p5.id);
h.clock.set('2026-11-23T02:00:00.000Z');

const get = (url: string, headers: Record<string, string> = admin.headers) => getOk(h, url, headers);
type Rfm = { asOf: string; previousAsOf: string; source: string; takenAt: string | null; segments: unknown[]; movement: unknown[] };
const figures = (r: Rfm) => ({ asOf: r.asOf, previousAsOf: r.previousAsOf, segments: r.segments, movement: r.movement });

// Whole months (and November up to the snapshot's day): the live "previous period" ends where the month before does.
const PERIODS = ['from=2026-11-01&to=2026-11-22', 'from=2026-10-01&to=2026-10-31', 'from=2026-05-01&to=2026-05-31', 'from=2026-03-01&to=2026-03-31'];
const SCOPES = ['', `&departmentId=${card}`, `&departmentId=${orth}`, `&departmentId=${eye}`];
const live = new Map<string, Rfm>();
for (const period of PERIODS) for (const scope of SCOPES) live.set(period + scope, await get(`/api/stats/patients/rfm?${period}${scope}`));

describe('RFM snapshots', () => {
  it('before any snapshot the figure is computed live, and says so', () => {
    const nov = live.get(PERIODS[0]!)!;
    expect(nov).toMatchObject({ source: 'live', takenAt: null, asOf: '2026-11-22', previousAsOf: '2026-10-31' });
  });

  it('the nightly job snapshots every month from the first visit, November as of last night', async () => {
    const run = await h.app.inject({ method: 'POST', url: '/api/jobs/stats.rfm-snapshot/run', headers: admin.headers });
    expect(run.statusCode).toBe(200);
    const snapshots = h.db.$client.prepare('SELECT period, as_of AS asOf, previous_as_of AS previousAsOf FROM stats_rfm_snapshots ORDER BY period').all();
    expect(snapshots).toEqual(
      ['03', '04', '05', '06', '07', '08', '09', '10'].map((m) => ({ period: `2026-${m}`, asOf: new Date(Date.UTC(2026, Number(m), 0)).toISOString().slice(0, 10), previousAsOf: new Date(Date.UTC(2026, Number(m) - 1, 0)).toISOString().slice(0, 10) })).concat({ period: '2026-11', asOf: '2026-11-22', previousAsOf: '2026-10-31' }),
    );
  });

  it('the movement from the end of October to last night, counted by hand', async () => {
    const nov = await get(`/api/stats/patients/rfm?from=2026-10-24&to=2026-11-23`);
    expect(nov).toMatchObject({ source: 'snapshot', asOf: '2026-11-22', previousAsOf: '2026-10-31', takenAt: '2026-11-23T02:00:00.000Z' });
    expect(nov.movement).toEqual([
      { from: 'champions', to: 'at_risk', patients: 1 },
      { from: 'new', to: 'champions', patients: 2 },
      { from: 'new', to: 'potential', patients: 1 },
      { from: 'none', to: 'new', patients: 1 },
    ]);
    const sizes = Object.fromEntries(nov.segments.map((s: { segment: string; patients: number; previous: number }) => [s.segment, [s.patients, s.previous]]));
    expect(sizes).toEqual({ champions: [2, 1], loyal: [0, 0], new: [1, 3], potential: [1, 0], at_risk: [1, 0], hibernating: [0, 0] });
    expect((await get(`/api/stats/patients/rfm?to=2026-11-23&departmentId=${card}`)).movement).toEqual([
      { from: 'champions', to: 'at_risk', patients: 1 },
      { from: 'new', to: 'champions', patients: 1 },
      { from: 'none', to: 'champions', patients: 1 },
    ]);
    expect((await get(`/api/stats/patients/rfm?to=2026-11-23&departmentId=${orth}`)).movement).toEqual([
      { from: 'new', to: 'new', patients: 1 },
      { from: 'none', to: 'new', patients: 1 },
    ]);
    const noDepartment = h.db.$client.prepare("SELECT from_segment AS 'from', to_segment AS 'to', patients FROM stats_rfm_movement WHERE period = '2026-11' AND department_id = ''").all();
    expect(noDepartment).toEqual([{ from: 'new', to: 'potential', patients: 1 }]);
  });

  it('every snapshot equals the live computation, for the hospital, each department and one without patients', async () => {
    for (const period of PERIODS)
      for (const scope of SCOPES) {
        const snap = await get(`/api/stats/patients/rfm?${period}${scope}`);
        expect(snap.source, period + scope).toBe('snapshot');
        expect(figures(snap), period + scope).toEqual(figures(live.get(period + scope)!));
      }
    // May had no visit at all: P3 stays loyal. EYE never had a patient: every segment is empty.
    expect((await get(`/api/stats/patients/rfm?${PERIODS[2]}`)).movement).toEqual([{ from: 'loyal', to: 'loyal', patients: 1 }]);
    const empty = await get(`/api/stats/patients/rfm?${PERIODS[0]}&departmentId=${eye}`);
    expect(empty.movement).toEqual([]);
    expect(empty.segments.every((s: { patients: number; previous: number }) => s.patients === 0 && s.previous === 0)).toBe(true);
  });

  it('a period that ends before the first snapshot is computed live', async () => {
    const before = await get('/api/stats/patients/rfm?from=2026-01-01&to=2026-01-31');
    expect(before).toMatchObject({ source: 'live', asOf: '2026-01-31', movement: [] });
  });

  it('the next night rebuilds the month under way only; a rebuild from scratch gives the same rows', async () => {
    const rows = () => h.db.$client.prepare('SELECT * FROM stats_rfm_movement ORDER BY period, department_id, from_segment, to_segment').all();
    const before = rows();
    h.clock.set('2026-11-24T02:00:00.000Z');
    expect(await takeRfmSnapshots(h.system())).toMatchObject({ snapshots: 1, from: '2026-11', to: '2026-11', patients: 5 });
    // Nothing happened on 11-23, but a day passed: P1 … P5's recency moved, segments did not.
    expect(rows()).toEqual(before);
    expect(await rebuildRfmSnapshots(h.system())).toMatchObject({ snapshots: 9, from: '2026-03', to: '2026-11' });
    expect(rows()).toEqual(before);
    h.clock.set('2026-11-23T02:00:00.000Z');
    await rebuildRfmSnapshots(h.system());
  });

  it('a visit recorded late shows after the rebuild, equal to the live figure', async () => {
    await visit(p5.id, eye, '2026-11-10', 20000, ['H25.0']);
    const stale = await get(`/api/stats/patients/rfm?${PERIODS[0]}`);
    expect(stale.movement).toContainEqual({ from: 'new', to: 'potential', patients: 1 });
    await rebuildRfmSnapshots(h.system());
    const fresh = await get(`/api/stats/patients/rfm?${PERIODS[0]}`);
    expect(fresh.movement).toContainEqual({ from: 'new', to: 'champions', patients: 3 });
    h.db.$client.exec('DELETE FROM stats_rfm_movement; DELETE FROM stats_rfm_snapshots');
    expect(figures(await get(`/api/stats/patients/rfm?${PERIODS[0]}`))).toEqual(figures(fresh));
    await rebuildRfmSnapshots(h.system());
  });
});

describe('the disease-mix rollup', () => {
  const mix = async (query: string) => (await get(`/api/stats/patients/disease-mix?${query}&lang=en`)) as { total: number; chapters: { chapter: string; diagnoses: number }[] };
  const QUERIES = ['from=2026-09-01&to=2026-11-23', `from=2026-09-01&to=2026-11-23&departmentId=${card}`, `from=2026-11-01&to=2026-11-21&departmentId=${orth}`, 'from=2026-05-01&to=2026-05-31'];

  it('rolled-up days give the live answer; today stays live; an empty period has no chapters', async () => {
    h.db.$client.exec('DELETE FROM stats_diagnosis_daily; DELETE FROM stats_rollup_days');
    const liveAnswers = await Promise.all(QUERIES.map(mix));
    // P1 E11.9 (IV) and I10 (IX), P2 S82.0 (XIX), P4 J18.9 (X), C34.9 (II) and D95.0 (other), P5 H25.0 (VII); not K29.7.
    expect(liveAnswers[0]!.chapters.map((c) => [c.chapter, c.diagnoses])).toEqual([
      ['II', 1],
      ['IV', 1],
      ['IX', 1],
      ['other', 1],
      ['VII', 1],
      ['X', 1],
      ['XIX', 1],
    ]);
    expect(liveAnswers[1]!.total).toBe(4);
    expect(liveAnswers[3]).toMatchObject({ total: 0, chapters: [] });
    expect(await rollUpFinishedDays(h.system())).toMatchObject({ from: '2026-03-01', to: '2026-11-22' });
    expect(h.db.$client.prepare('SELECT sum(diagnoses) AS n FROM stats_diagnosis_daily').get()).toEqual({ n: 7 });
    expect(await Promise.all(QUERIES.map(mix))).toEqual(liveAnswers);

    await visit(p2.id, orth, '2026-11-23', 300, ['S83.2']);
    expect((await mix(QUERIES[0]!)).chapters[0]).toEqual({ chapter: 'XIX', label: 'Injury and poisoning', diagnoses: 2, share: expect.objectContaining({ numerator: 2, denominator: 8 }) });
  });

  it('a diagnosis recorded late on a rolled-up day shows after the rebuild', async () => {
    await visit(p3.id, card, '2026-10-02', 100, ['I20.0', 'I25.1']);
    expect((await mix(QUERIES[1]!)).total).toBe(4);
    await rebuildAllRollups(h.system());
    const rebuilt = await mix(QUERIES[1]!);
    expect(rebuilt.total).toBe(6);
    expect(rebuilt.chapters[0]).toMatchObject({ chapter: 'IX', diagnoses: 3 });
    h.db.$client.exec('DELETE FROM stats_diagnosis_daily; DELETE FROM stats_rollup_days');
    expect(await mix(QUERIES[1]!)).toEqual(rebuilt);
  });
});
