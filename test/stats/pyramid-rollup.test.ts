import { describe, expect, it } from 'vitest';
import { mergePatients, unmergePatient } from '../../src/modules/identity/identity.merge.js';
import { updatePatient } from '../../src/modules/patients/patients.service.js';
import { rebuildAllRollups, rollUpFinishedDays } from '../../src/modules/stats/rollup.service.js';
import { getOk, useTestHospital } from '../helpers/app.js';
import { seededRandom } from '../helpers/random.js';
import { departmentsAndReaders } from './rollup-hospital.js';

/*
 * The age pyramid from its rollup (stats_day_visitors) gives what the patients seen give, counted here by hand in
 * SQL and plain arithmetic: every period, department and manager, before the rollup, after it, after a birth date or
 * gender edit (corrected until folded in, then folded in), after a merge and its undoing. A year of visits
 * (2026-01-03 … today, 2026-11-23 10:00 Asia/Shanghai) of 160 patients of every age, gender and none, to three
 * departments and to none, some cancelled, some twice a day, some today.
 */
const h = await useTestHospital();
const { departments, card, orth, admin, manager } = await departmentsAndReaders(h);

const c = h.db.$client;
const rnd = seededRandom(29);
const GENDERS = ['male', 'female', 'female', 'male', 'other', 'unknown'];
const at = '2025-12-01T00:00:00.000Z';
c.transaction(() => {
  const patient = c.prepare("INSERT INTO patients (id, name, name_pinyin, name_initials, gender, birth_date, source, emergency_contacts, tags, created_at, updated_at) VALUES (?, '患者', 'huanzhe', 'hz', ?, ?, 'walk-in', '[]', '[]', ?, ?)");
  for (let p = 0; p < 160; p++) {
    const birth = rnd() < 0.05 ? null : `${1925 + Math.floor(rnd() * 101)}-${String(1 + Math.floor(rnd() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rnd() * 28)).padStart(2, '0')}`;
    patient.run(`yp${p}`, GENDERS[Math.floor(rnd() * GENDERS.length)], birth, at, at);
  }
  // Birthdays on the ends of the periods below: 30 on 2026-06-30 and on 2026-11-23, 80 on 2026-11-22, 10 on 2026-09-10.
  for (const [id, gender, birth] of [['yb1', 'female', '1996-06-30'], ['yb2', 'male', '1996-07-01'], ['yb3', 'male', '1996-11-23'], ['yb4', 'female', '1946-11-22'], ['yb5', 'other', '2016-09-10']]) {
    patient.run(id, gender, birth, at, at);
  }
  const encounter = c.prepare("INSERT INTO encounters (id, patient_id, class, status, department_id, start_at, charges_cents, created_at) VALUES (?, ?, 'outpatient', ?, ?, ?, 0, ?)");
  const from = Date.parse('2026-01-03T00:00:00+08:00');
  const until = Date.parse('2026-11-23T10:00:00+08:00');
  for (let i = 0; i < 1000; i++) {
    const p = Math.floor(rnd() * 165);
    const id = p < 160 ? `yp${p}` : `yb${p - 159}`;
    const start = from + Math.floor(rnd() * (until - from));
    const department = rnd() < 0.08 ? null : departments[Math.floor(rnd() * 3)]!;
    const iso = new Date(start).toISOString();
    encounter.run(`ye${i}`, id, rnd() < 0.1 ? 'cancelled' : 'finished', department, iso, iso);
    // Seen twice the same day, sometimes in another department.
    if (rnd() < 0.1) encounter.run(`ye${i}b`, id, 'finished', rnd() < 0.5 ? department : departments[0]!, new Date(start + 3_600_000).toISOString(), iso);
  }
  // Today (before the clock's 10:00): a patient also seen yesterday, and a first visit.
  encounter.run('yt0', 'yp3', 'finished', card, '2026-11-22T03:00:00.000Z', '2026-11-22T03:00:00.000Z');
  encounter.run('yt1', 'yp3', 'finished', card, '2026-11-23T01:00:00.000Z', '2026-11-23T01:00:00.000Z');
  encounter.run('yt2', 'yb3', 'finished', orth, '2026-11-23T01:30:00.000Z', '2026-11-23T01:30:00.000Z');
})();

const PERIODS: [string, string][] = [
  ['2025-11-24', '2026-11-23'],
  ['2026-01-01', '2026-12-31'],
  ['2026-03-15', '2026-09-10'],
  ['2026-06-01', '2026-06-30'],
  ['2026-06-01', '2026-06-29'],
  ['2026-10-25', '2026-11-23'],
  ['2026-11-21', '2026-11-22'],
  ['2026-11-22', '2026-11-23'],
  ['2026-11-23', '2026-11-23'],
  ['2025-05-01', '2025-05-31'],
];
const SCOPES = [undefined, card, orth];

type Pyramid = { total: number; bands: { band: string; male: number; female: number; other: number; unknown: number }[] };

/** The pyramid by hand: patients with an uncancelled visit in the period (and department), aged on its last day. */
function byHand(from: string, to: string, departmentId: string | undefined): Pyramid {
  const start = new Date(`${from}T00:00:00+08:00`).toISOString();
  const end = new Date(Date.parse(`${to}T00:00:00+08:00`) + 86_400_000).toISOString();
  const seen = c
    .prepare(
      `SELECT DISTINCT p.id, p.birth_date AS birth, p.gender FROM encounters e JOIN patients p ON p.id = e.patient_id
       WHERE e.start_at >= ? AND e.start_at < ? AND e.status <> 'cancelled' AND (? IS NULL OR e.department_id = ?)`,
    )
    .all(start, end, departmentId ?? null, departmentId ?? null) as { id: string; birth: string | null; gender: string }[];
  const names = ['0-9', '10-19', '20-29', '30-39', '40-49', '50-59', '60-69', '70-79', '80+', 'unknown'];
  const bands = names.map((band) => ({ band, male: 0, female: 0, other: 0, unknown: 0 }));
  for (const p of seen) {
    let age = -1;
    if (p.birth) {
      const [y, m, d] = p.birth.split('-').map(Number) as [number, number, number];
      const [ty, tm, td] = to.split('-').map(Number) as [number, number, number];
      age = ty - y - (tm < m || (tm === m && td < d) ? 1 : 0);
    }
    const band = bands[age < 0 ? 9 : Math.min(8, Math.floor(age / 10))]!;
    band[p.gender as 'male' | 'female' | 'other' | 'unknown'] += 1;
  }
  return { total: seen.length, bands };
}

const pyramidOf = async (from: string, to: string, departmentId?: string, headers = admin.headers) =>
  (await getOk(h, `/api/stats/patients/pyramid?from=${from}&to=${to}${departmentId ? `&departmentId=${departmentId}` : ''}`, headers)) as Pyramid;

async function expectEveryFigureByHand() {
  for (const [from, to] of PERIODS) {
    for (const scope of SCOPES) {
      const got = await pyramidOf(from, to, scope);
      const want = byHand(from, to, scope);
      expect({ total: got.total, bands: got.bands }, `${from}…${to} ${scope ?? 'hospital'}`).toEqual(want);
    }
    expect((await pyramidOf(from, to, undefined, manager.headers)).bands, `manager ${from}…${to}`).toEqual(byHand(from, to, orth).bands);
  }
}
const versionOf = (id: string) => (c.prepare('SELECT version FROM patients WHERE id = ?').get(id) as { version: number }).version;
const pending = () => c.prepare('SELECT (SELECT count(*) FROM stats_rolled_demographics) + (SELECT count(*) FROM stats_rolled_owners)').pluck().get();
const bandOf = (p: Pyramid, band: string) => p.bands.find((b) => b.band === band)!;

describe('the age pyramid from its rollup', () => {
  it('counts what the patients seen count, before the rollup and after: a year, mid-month ends, birthdays on the last day, today live, an empty period, a department, a manager', async () => {
    const year = byHand('2025-11-24', '2026-11-23', undefined);
    expect(year.total).toBeGreaterThan(150);
    expect(year.bands.filter((b) => b.male + b.female + b.other + b.unknown > 0).length).toBe(10);
    // yb1 turns 30 on 2026-06-30 (30-39 then, 20-29 the day before); yb2 is still 29 on 06-30.
    expect(bandOf(byHand('2026-01-01', '2026-06-30', undefined), '30-39').female).toBe(bandOf(byHand('2026-01-01', '2026-06-29', undefined), '30-39').female + 1);
    await expectEveryFigureByHand();
    await rebuildAllRollups(h.system());
    expect(c.prepare("SELECT count(*) FROM stats_day_visitors WHERE scope = '*'").pluck().get()).toBeGreaterThan(250);
    await expectEveryFigureByHand();
  });

  it('a birth date or gender edited after the rollup counts as it is now, before the rollup folds it in and after', async () => {
    const before = await pyramidOf('2025-11-24', '2026-11-23');
    // yb4 (80 on 2026-11-22) is made ten years younger, yb2 (29) a woman, and yp7 loses her birth date, then gets it back changed.
    const yb4Seen = byHand('2025-11-24', '2026-11-23', undefined).total === before.total;
    expect(yb4Seen).toBe(true);
    await updatePatient(h.system(), 'yb4', { version: versionOf('yb4'), birthDate: '1956-11-22' });
    await updatePatient(h.system(), 'yb2', { version: versionOf('yb2'), gender: 'female' });
    await updatePatient(h.system(), 'yp7', { version: versionOf('yp7'), birthDate: null });
    await updatePatient(h.system(), 'yp7', { version: versionOf('yp7'), birthDate: '2001-02-03' });
    expect(c.prepare("SELECT birth_date FROM stats_rolled_demographics WHERE patient_id = 'yb4'").pluck().get()).toBe('1946-11-22');
    const after = await pyramidOf('2025-11-24', '2026-11-23');
    expect(after.total).toBe(before.total);
    expect(after).not.toEqual(before);
    await expectEveryFigureByHand();
    await rollUpFinishedDays(h.system());
    expect(pending()).toBe(0);
    await expectEveryFigureByHand();
  });

  it('a merge counts the two files as one patient with the survivor’s birth date, and its undoing as two again', async () => {
    // Both seen in June and in the year; the merged file's visits move to the survivor.
    const june = ['2026-06-01', '2026-06-30'] as const;
    const seenInJune = (id: string) => c.prepare("SELECT count(*) FROM encounters WHERE patient_id = ? AND status <> 'cancelled' AND start_at >= '2026-05-31T16:00:00.000Z' AND start_at < '2026-06-30T16:00:00.000Z'").pluck().get(id) as number;
    const pair = ['yp10', 'yp11', 'yp12', 'yp13', 'yp14', 'yp15', 'yp16', 'yp17', 'yp18', 'yp19'].filter((id) => seenInJune(id) > 0).slice(0, 2);
    expect(pair).toHaveLength(2);
    const [survivor, merged] = pair as [string, string];
    const before = await pyramidOf(...june);
    await mergePatients(h.system(), { survivorId: survivor, mergedId: merged });
    expect(pending()).toBeGreaterThan(0);
    expect((await pyramidOf(...june)).total).toBe(before.total - 1);
    await expectEveryFigureByHand();
    await rollUpFinishedDays(h.system());
    expect(pending()).toBe(0);
    await expectEveryFigureByHand();
    await unmergePatient(h.system(), merged);
    expect((await pyramidOf(...june)).total).toBe(before.total);
    await expectEveryFigureByHand();
    await rollUpFinishedDays(h.system());
    await expectEveryFigureByHand();
  });

  it('a change made while the rollup is rebuilt (between two of its transactions) is folded in by the next one', async () => {
    let changedOn: string | null = null;
    await rebuildAllRollups(h.system(), (day) => {
      if (changedOn !== null || day < '2026-03-01') return;
      changedOn = day;
      c.prepare("UPDATE patients SET birth_date = '1999-09-09', gender = 'other' WHERE id IN ('yp20', 'yp21')").run();
    });
    expect(changedOn).not.toBeNull();
    expect(pending()).toBe(0);
    await expectEveryFigureByHand();
  });

  it('reads the rollup for rolled days: a visit slipped into an old day shows only once its day is rolled up again', async () => {
    const june = await pyramidOf('2026-06-01', '2026-06-30');
    c.prepare("INSERT INTO patients (id, name, name_pinyin, name_initials, gender, birth_date, source, emergency_contacts, tags, created_at, updated_at) VALUES ('ylate', '补录', 'bulu', 'bl', 'male', '1980-01-01', 'walk-in', '[]', '[]', ?, ?)").run(at, at);
    c.prepare("INSERT INTO encounters (id, patient_id, class, status, department_id, start_at, charges_cents, created_at) VALUES ('ylate1', 'ylate', 'outpatient', 'finished', ?, '2026-06-10T02:00:00.000Z', 0, '2026-11-23T02:00:00.000Z')").run(card);
    expect(await pyramidOf('2026-06-01', '2026-06-30')).toEqual(june);
    await rebuildAllRollups(h.system());
    expect(bandOf(await pyramidOf('2026-06-01', '2026-06-30'), '40-49').male).toBe(bandOf(june, '40-49').male + 1);
    await expectEveryFigureByHand();
  });
});
