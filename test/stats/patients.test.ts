import { describe, expect, it } from 'vitest';
import { recordResponseForPatient } from '../../src/modules/followup/followup.service.js';
import { addEncounter, createPatient } from '../../src/modules/patients/patients.service.js';
import { getOk, useTestHospital } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';
import { ageOn } from '../../src/modules/stats/metrics/patients.js';
import { icd10Chapter } from '../../src/modules/stats/icd10.js';
import { rfmSegment } from '../../src/modules/stats/rfm.js';

/*
 * Three patients, period 2026-11-01 … 2026-11-21 (previous: 2026-10-11 … 2026-10-31):
 * P1 ♂ 1950-06-01, online, registered 11-05; CARD visits 09-01 (¥8,000, E11.9) and 11-05 (¥3,000, I10).
 * P2 ♀ 1990-12-01, referral, 上海, registered 11-06; ORTH visit 11-06 (¥500, S82.0). Answers overall 1 on 11-07.
 * P3 ♀ 1990-01-15, registered 10-01; CARD visits 05-01, 06-01, 07-01, 08-10 (¥100 each). P1 answers 2 then 5.
 */
const h = await useTestHospital();
const card = await h.department('CARD', '心内科');
const orth = await h.department('ORTH', '骨科');
const admin = await h.signIn('admin');
const OUTPATIENT = 'https://hcrm.example/fhir/Questionnaire/outpatient-satisfaction';

async function patient(day: string, overrides: Parameters<typeof aPatient>[0]) {
  h.clock.set(`${day}T02:00:00.000Z`);
  return createPatient(h.system(), aPatient({ identifiers: [], residentId: null, ...overrides }));
}
async function visit(patientId: string, departmentId: string, day: string, yuan: number, code?: string) {
  await addEncounter(h.system(), patientId, { class: 'outpatient', status: 'finished', departmentId, startAt: `${day}T01:00:00.000Z`, chargesCents: yuan * 100, diagnoses: code ? [{ code, text: code, primary: true }] : [], procedures: [] });
}
async function answer(patientId: string, departmentId: string, day: string, overall: string) {
  h.clock.set(`${day}T03:00:00.000Z`);
  await recordResponseForPatient(h.system(), { patientId, questionnaire: { url: OUTPATIENT }, departmentId, answers: { doctor: '5', explanation: '4', nursing: '5', waiting: '3', environment: '4', cost: '3', overall, nps: '9' } });
}

const p3 = await patient('2026-10-01', { name: '王芳', gender: 'female', birthDate: '1990-01-15', source: null });
for (const d of ['2026-05-01', '2026-06-01', '2026-07-01', '2026-08-10']) await visit(p3.id, card, d, 100);
const p1 = await patient('2026-11-05', { name: '李建国', gender: 'male', birthDate: '1950-06-01', source: 'online' });
await visit(p1.id, card, '2026-09-01', 8000, 'E11.9');
await visit(p1.id, card, '2026-11-05', 3000, 'I10');
const p2 = await patient('2026-11-06', { name: '陈静', gender: 'female', birthDate: '1990-12-01', source: 'referral', address: { province: '上海市', city: '上海市' } });
await visit(p2.id, orth, '2026-11-06', 500, 'S82.0');
await answer(p2.id, orth, '2026-11-07', '1');
await answer(p1.id, card, '2026-11-08', '2');
await answer(p1.id, card, '2026-11-09', '5');
h.clock.set('2026-11-23T02:00:00.000Z');

const PERIOD = 'from=2026-11-01&to=2026-11-21';
const get = (url: string, headers: Record<string, string> = admin.headers) => getOk(h, url, headers);

describe('patient figures', () => {
  it('sources and regions of the patients registered in the period', async () => {
    const s = await get(`/api/stats/patients/sources?${PERIOD}`);
    expect(s.total).toBe(2);
    expect(s.rows.map((r: { key: string; patients: number; share: { value: number; denominatorName: string } }) => [r.key, r.patients, r.share.value, r.share.denominatorName])).toEqual([
      ['online', 1, 0.5, 'eligible'],
      ['referral', 1, 0.5, 'eligible'],
    ]);
    const r = await get(`/api/stats/patients/regions?${PERIOD}`);
    expect(r.rows.map((x: { label: string }) => x.label)).toEqual(['上海市/上海市', '北京市/北京市']);
  });

  it('the age and gender pyramid of patients seen, ages on the last day', async () => {
    const p = await get(`/api/stats/patients/pyramid?${PERIOD}`);
    expect(p.total).toBe(2);
    const nonEmpty = p.bands.filter((b: { male: number; female: number }) => b.male + b.female > 0);
    expect(nonEmpty).toEqual([
      { band: '30-39', male: 0, female: 1, other: 0, unknown: 0 },
      { band: '70-79', male: 1, female: 0, other: 0, unknown: 0 },
    ]);
    expect(ageOn('1990-12-01', '2026-11-21')).toBe(35);
    expect(ageOn('1990-11-21', '2026-11-21')).toBe(36);
  });

  it('new and returning; a department with no visits has no denominator', async () => {
    const n = await get(`/api/stats/patients/new-returning?${PERIOD}`);
    expect(n.visitors).toBe(2);
    expect(n.newPatients).toMatchObject({ numerator: 1, denominator: 2, value: 0.5, denominatorName: 'eligible' });
    const eye = await h.department('EYE', '眼科');
    const none = await get(`/api/stats/patients/new-returning?${PERIOD}&departmentId=${eye}`);
    expect(none).toMatchObject({ visitors: 0, newPatients: { value: null, denominator: 0 } });
  });

  it('disease mix by ICD-10 chapter, and by department', async () => {
    const all = await get(`/api/stats/patients/disease-mix?${PERIOD}&lang=en`);
    expect(all.chapters.map((c: { chapter: string; diagnoses: number }) => [c.chapter, c.diagnoses])).toEqual([
      ['IX', 1],
      ['XIX', 1],
    ]);
    const cardOnly = await get(`/api/stats/patients/disease-mix?${PERIOD}&departmentId=${card}`);
    expect(cardOnly.chapters.map((c: { label: string }) => c.label)).toEqual(['循环系统疾病']);
    expect([icd10Chapter('E11.9')?.chapter, icd10Chapter('D50')?.chapter, icd10Chapter('D48')?.chapter, icd10Chapter('T98')?.chapter]).toEqual(['IV', 'III', 'II', 'XIX']);
  });

  it('RFM segments now and at the end of the previous period, and the movement between them', async () => {
    const r = await get(`/api/stats/patients/rfm?${PERIOD}`);
    const sizes = Object.fromEntries(r.segments.map((s: { segment: string; patients: number; previous: number }) => [s.segment, [s.patients, s.previous]]));
    expect(sizes).toEqual({ champions: [1, 1], loyal: [0, 0], new: [1, 1], potential: [0, 0], at_risk: [1, 0], hibernating: [0, 0] });
    expect(r.movement).toEqual([
      { from: 'champions', to: 'at_risk', patients: 1 },
      { from: 'new', to: 'champions', patients: 1 },
      { from: 'none', to: 'new', patients: 1 },
    ]);
    // The thresholds at their edges.
    expect(rfmSegment({ daysSinceLast: 90, visitsInYear: 4, spendCentsInYear: 0 })).toBe('champions');
    expect(rfmSegment({ daysSinceLast: 91, visitsInYear: 4, spendCentsInYear: 0 })).toBe('at_risk');
    expect(rfmSegment({ daysSinceLast: 365, visitsInYear: 1, spendCentsInYear: 0 })).toBe('potential');
    expect(rfmSegment({ daysSinceLast: 366, visitsInYear: 0, spendCentsInYear: 0 })).toBe('hibernating');
  });

  it('the at-risk list: patients whose latest satisfaction is low, audited', async () => {
    const list = await get(`/api/stats/patients/at-risk?${PERIOD}`);
    expect(list.items.map((i: { name: string; satisfaction: number }) => [i.name, i.satisfaction])).toEqual([['陈静', 1]]);
    await h.deps.readAudit!.settled();
    const audit = h.db.$client.prepare("SELECT detail FROM audit_log WHERE action = 'stats.patients.list' ORDER BY seq DESC LIMIT 1").get() as { detail: string };
    expect(JSON.parse(audit.detail)).toMatchObject({ metric: 'patients.at-risk', patients: [p2.id] });
  });
});
