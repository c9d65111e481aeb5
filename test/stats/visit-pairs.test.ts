import { describe, expect, it } from 'vitest';
import { replaceVisitPairsDay } from '../../src/modules/stats/patients.repository.js';
import { rebuildAllRollups, rollUpFinishedDays } from '../../src/modules/stats/rollup.service.js';
import { inTransaction } from '../../src/lib/transaction.js';
import { getOk, useTestHospital } from '../helpers/app.js';
import { seededRandom } from '../helpers/random.js';
import { departmentsAndReaders } from './rollup-hospital.js';

/*
 * New and returning patients from the visit-pairs rollup give the numbers the direct count gives. A year of visits
 * (2026-01-03 … today, 2026-11-23 10:00 Asia/Shanghai) of 150 patients to three departments and to none, some
 * cancelled, some twice a day, some today; every figure is asked before the rollup (counted directly) and after
 * (rolled days from the pairs, today paired live).
 */
const h = await useTestHospital();
const { departments, card, orth, admin, manager } = await departmentsAndReaders(h);

const c = h.db.$client;
const rnd = seededRandom(11);
c.transaction(() => {
  const at = '2025-12-01T00:00:00.000Z';
  const patient = c.prepare("INSERT INTO patients (id, name, name_pinyin, name_initials, gender, birth_date, source, emergency_contacts, tags, created_at, updated_at) VALUES (?, '患者', 'huanzhe', 'hz', 'male', '1970-01-01', 'walk-in', '[]', '[]', ?, ?)");
  for (let p = 0; p < 150; p++) patient.run(`vp${p}`, at, at);
  const encounter = c.prepare("INSERT INTO encounters (id, patient_id, class, status, department_id, start_at, charges_cents, created_at) VALUES (?, ?, 'outpatient', ?, ?, ?, 0, ?)");
  const from = Date.parse('2026-01-03T00:00:00+08:00');
  const until = Date.parse('2026-11-23T10:00:00+08:00');
  for (let i = 0; i < 900; i++) {
    // Patients drift in over the year (a patient's first visit is late for the higher numbers), so there are new ones every month.
    const p = Math.floor(rnd() * 150);
    const start = from + Math.floor((p / 150 + rnd() * (1 - p / 150)) * (until - from));
    const department = rnd() < 0.08 ? null : departments[Math.floor(rnd() * 3)]!;
    const iso = new Date(start).toISOString();
    encounter.run(`ve${i}`, `vp${p}`, rnd() < 0.1 ? 'cancelled' : 'finished', department, iso, iso);
    // A second visit the same day, sometimes in another department.
    if (rnd() < 0.1) encounter.run(`ve${i}b`, `vp${p}`, 'finished', rnd() < 0.5 ? department : departments[0]!, new Date(start + 3_600_000).toISOString(), iso);
  }
  // Visits today, morning (before the clock's 10:00), among them a first visit and a patient also seen yesterday.
  encounter.run('vt0', 'vp3', 'finished', card, '2026-11-22T03:00:00.000Z', '2026-11-22T03:00:00.000Z');
  for (const [id, p, department] of [['vt1', 'vp3', card], ['vt2', 'vp149', orth], ['vt3', 'vp5', null]] as const) {
    encounter.run(id, p, 'finished', department, '2026-11-23T01:00:00.000Z', '2026-11-23T01:00:00.000Z');
  }
  c.prepare("INSERT INTO patients (id, name, name_pinyin, name_initials, gender, birth_date, source, emergency_contacts, tags, created_at, updated_at) VALUES ('vnew', '新患者', 'xin', 'x', 'female', '1990-01-01', 'walk-in', '[]', '[]', ?, ?)").run(at, at);
  encounter.run('vt4', 'vnew', 'finished', orth, '2026-11-23T01:30:00.000Z', '2026-11-23T01:30:00.000Z');
})();

const PERIODS = [
  'from=2025-11-24&to=2026-11-23',
  'from=2026-01-01&to=2026-12-31',
  'from=2026-03-15&to=2026-09-10',
  'from=2026-06-01&to=2026-06-30',
  'from=2026-10-25&to=2026-11-23',
  'from=2026-11-21&to=2026-11-23',
  'from=2026-11-22&to=2026-11-23',
  'from=2026-11-22&to=2026-11-22',
  'from=2026-11-23&to=2026-11-23',
  'from=2025-05-01&to=2025-05-31',
];
const SCOPES = ['', `&departmentId=${card}`, `&departmentId=${orth}`];

const get = (url: string, headers: Record<string, string> = admin.headers) => getOk(h, url, headers);
async function everyFigure() {
  const out: Record<string, unknown> = {};
  for (const period of PERIODS) {
    for (const scope of SCOPES) out[`${period}${scope}`] = await get(`/api/stats/patients/new-returning?${period}${scope}`);
    out[`manager ${period}`] = await get(`/api/stats/patients/new-returning?${period}`, manager.headers);
  }
  return out;
}

const direct = await everyFigure();
await rebuildAllRollups(h.system());

describe('new and returning patients from the visit-pairs rollup', () => {
  it('counts what the direct count counts: a year, mid-month ends, a single day, today live, an empty period, a department, a manager', async () => {
    const year = direct['from=2025-11-24&to=2026-11-23'] as { visitors: number; newPatients: { numerator: number } };
    expect(year.visitors).toBeGreaterThan(140);
    expect((direct['from=2026-06-01&to=2026-06-30'] as { newPatients: { numerator: number } }).newPatients.numerator).toBeGreaterThan(0);
    expect((direct['from=2026-11-23&to=2026-11-23'] as { visitors: number; newPatients: { numerator: number } }).newPatients.numerator).toBeGreaterThanOrEqual(1);
    expect((direct['from=2025-05-01&to=2025-05-31'] as { visitors: number }).visitors).toBe(0);
    const rolled = await everyFigure();
    for (const key of Object.keys(direct)) expect(rolled[key], key).toEqual(direct[key]);
  });

  it('reads the rollup for rolled days: a visit slipped into an old day shows only once its day is rolled up again', async () => {
    const url = '/api/stats/patients/new-returning?from=2026-06-01&to=2026-06-30';
    const before = await get(url);
    c.prepare("INSERT INTO patients (id, name, name_pinyin, name_initials, gender, birth_date, source, emergency_contacts, tags, created_at, updated_at) VALUES ('vlate', '补录', 'bulu', 'bl', 'male', '1980-01-01', 'walk-in', '[]', '[]', ?, ?)").run('2026-06-10T00:00:00.000Z', '2026-06-10T00:00:00.000Z');
    c.prepare("INSERT INTO encounters (id, patient_id, class, status, department_id, start_at, charges_cents, created_at) VALUES ('vlate1', 'vlate', 'outpatient', 'finished', ?, '2026-06-10T02:00:00.000Z', 0, '2026-11-23T02:00:00.000Z')").run(card);
    await rollUpFinishedDays(h.system());
    expect((await get(url)).visitors).toBe(before.visitors);
    await rebuildAllRollups(h.system());
    const after = await get(url);
    expect(after.visitors).toBe(before.visitors + 1);
    expect(after.newPatients.numerator).toBe(before.newPatients.numerator + 1);
  });

  it('keeps a pair per department and one for the whole hospital per patient and day', () => {
    const day = c.prepare("SELECT scope, sum(patients) AS n FROM stats_visit_pairs WHERE day = '2026-06-10' GROUP BY scope ORDER BY scope").all() as { scope: string; n: number }[];
    const visitors = c.prepare("SELECT count(DISTINCT patient_id) FROM encounters WHERE start_at >= '2026-06-09T16:00:00.000Z' AND start_at < '2026-06-10T16:00:00.000Z' AND status <> 'cancelled'").pluck().get();
    expect(day.find((r) => r.scope === '*')?.n).toBe(visitors);
  });

  it('a busy day’s pairs are all kept, written a hundred to a statement', () => {
    const pairs = Array.from({ length: 250 }, (_, i) => ({ scope: '*', prevDay: `2024-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + Math.floor(i / 12)).padStart(2, '0')}`, firstDay: '', patients: i + 1 }));
    inTransaction(h.system(), (tx) => replaceVisitPairsDay(tx, '2030-01-01', pairs));
    expect(c.prepare("SELECT count(*) AS n, sum(patients) AS patients FROM stats_visit_pairs WHERE day = '2030-01-01'").get()).toEqual({ n: 250, patients: (250 * 251) / 2 });
  });
});
