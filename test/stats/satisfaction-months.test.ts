import { describe, expect, it } from 'vitest';
import { rebuildAllRollups, rollUpFinishedDays } from '../../src/modules/stats/rollup.service.js';
import { getOk, useTestHospital } from '../helpers/app.js';
import { seededRandom } from '../helpers/random.js';

/*
 * The monthly satisfaction sums give the figures the daily rollup and the responses give: a year of answers
 * (2026-01-05 … today, 2026-11-23 10:00 Asia/Shanghai) to two departments, by four doctors, after visits of three
 * classes or none; every figure is asked before any rollup (every day live) and after the rebuild (whole months
 * from the monthly sums, the partial months from the daily rollup, today live).
 */
const h = await useTestHospital();
const [card, orth] = [await h.department('CARD', '心内科'), await h.department('ORTH', '骨科')];
const admin = await h.signIn('admin');
const manager = await h.signIn('manager', { departmentId: orth });
const questionnaireId = h.deps.questionnaires.find('https://hcrm.example/fhir/Questionnaire/outpatient-satisfaction')!.id;

const c = h.db.$client;
const rnd = seededRandom(5);
c.transaction(() => {
  const at = '2025-12-01T00:00:00.000Z';
  const doctor = c.prepare("INSERT INTO staff (id, username, display_name, role, department_id, password_hash, created_at, updated_at) VALUES (?, ?, ?, 'doctor', ?, 'x', ?, ?)");
  const doctors = [`${card}-a`, `${card}-b`, `${orth}-a`, `${orth}-b`];
  for (const id of doctors) doctor.run(id, `doc-${id}`, '医生', id.startsWith(card) ? card : orth, at, at);
  c.prepare("INSERT INTO patients (id, name, name_pinyin, name_initials, gender, birth_date, source, emergency_contacts, tags, created_at, updated_at) VALUES ('sp', '患者', 'huanzhe', 'hz', 'male', '1970-01-01', 'walk-in', '[]', '[]', ?, ?)").run(at, at);
  const encounter = c.prepare("INSERT INTO encounters (id, patient_id, class, status, department_id, start_at, charges_cents, created_at) VALUES (?, 'sp', ?, 'finished', ?, ?, 0, ?)");
  const response = c.prepare(
    "INSERT INTO questionnaire_responses (id, questionnaire_id, patient_id, encounter_id, department_id, doctor_id, source, recorded_by, authored_at, month, sub_scores, satisfaction, nps, fhir) VALUES (?, ?, 'sp', ?, ?, ?, 'patient', 'test', ?, ?, '{\"byGroup\":{},\"byTag\":{}}', ?, ?, '{}')",
  );
  const answer = c.prepare("INSERT INTO questionnaire_answers (response_id, link_id, position, value_type, value_code, score, tags) VALUES (?, ?, 0, 'coding', ?, ?, ?)");
  const from = Date.parse('2026-01-05T00:00:00+08:00');
  const until = Date.parse('2026-11-23T10:00:00+08:00');
  for (let i = 0; i < 700; i++) {
    const authored = new Date(from + Math.floor(rnd() * (until - from))).toISOString();
    const d = doctors[Math.floor(rnd() * 4)]!;
    const department = d.startsWith(card) ? card : orth;
    const cls = ['outpatient', 'inpatient', 'emergency', null][Math.floor(rnd() * 4)];
    if (cls) encounter.run(`se${i}`, cls, department, authored, authored);
    const satisfaction = rnd() < 0.1 ? null : 1 + Math.floor(rnd() * 5);
    response.run(`sr${i}`, questionnaireId, cls ? `se${i}` : null, department, d, authored, authored.slice(0, 7), satisfaction, rnd() < 0.2 ? null : Math.floor(rnd() * 11));
    for (const [link, tags] of [['doctor', 'aspect-doctor'], ['waiting', 'aspect-waiting'], ['overall', 'satisfaction-overall']] as const) {
      if (rnd() < 0.9) {
        const score = 1 + Math.floor(rnd() * 5);
        answer.run(`sr${i}`, link, String(score), score, tags);
      }
    }
  }
  // Answers this morning: today is read live.
  response.run('srt', questionnaireId, null, card, `${card}-a`, '2026-11-23T01:00:00.000Z', '2026-11', 1, 0);
})();

const PERIODS = [
  'from=2025-11-24&to=2026-11-23',
  'from=2026-02-15&to=2026-09-10',
  'from=2026-03-01&to=2026-03-31',
  'from=2026-01-01&to=2026-01-31',
  'from=2026-10-25&to=2026-11-23',
  'from=2025-03-01&to=2025-05-31',
];
const VIEWS = [
  '/api/stats/satisfaction/summary?lang=zh-CN',
  '/api/stats/satisfaction/breakdown?by=department',
  '/api/stats/satisfaction/breakdown?by=doctor',
  '/api/stats/satisfaction/breakdown?by=class',
  '/api/stats/satisfaction/breakdown?by=questionnaire',
  `/api/stats/satisfaction/summary?encounterClass=inpatient`,
  `/api/stats/satisfaction/summary?doctorId=${card}-b`,
  '/api/stats/satisfaction/trend?grain=month',
  '/api/stats/satisfaction/trend?grain=quarter',
  '/api/stats/satisfaction/trend?grain=week',
  '/api/stats/satisfaction/aspects?lang=zh-CN',
  '/api/stats/satisfaction/lowest-items?lang=zh-CN',
];

const get = (url: string, headers: Record<string, string> = admin.headers) => getOk(h, url, headers);
async function everyFigure() {
  const out: Record<string, unknown> = {};
  for (const period of PERIODS) {
    for (const view of VIEWS) out[`${view}&${period}`] = await get(`${view}&${period}`);
    for (const view of VIEWS) out[`manager ${view}&${period}`] = await get(`${view}&${period}`, manager.headers);
  }
  return out;
}
/** Sums of doubles added in another order differ in the last bits: figures are compared to 9 places. */
function rounded(value: unknown): unknown {
  if (typeof value === 'number') return Math.round(value * 1e9) / 1e9;
  if (Array.isArray(value)) return value.map(rounded);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rounded(v)]));
  return value;
}

const live = await everyFigure();
await rebuildAllRollups(h.system());

describe('monthly satisfaction sums', () => {
  it('are built for every month whose days are all rolled up: not January (its first days had no answers yet), not November', () => {
    const months = c.prepare("SELECT month FROM stats_rollup_months WHERE rollup = 'satisfaction' ORDER BY month").pluck().all();
    expect(months).toEqual(['2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10']);
  });

  it('give the figures the responses give: a year, mid-month ends, whole months, today live, an empty period, a manager', async () => {
    expect((live['/api/stats/satisfaction/summary?lang=zh-CN&from=2025-11-24&to=2026-11-23'] as { current: { responses: number } }).current.responses).toBeGreaterThan(600);
    const rolled = await everyFigure();
    for (const key of Object.keys(live)) expect(rounded(rolled[key]), key).toEqual(rounded(live[key]));
  });

  it('a day rebuilt by the nightly job is summed into its month again', async () => {
    const url = '/api/stats/satisfaction/summary?from=2026-10-01&to=2026-10-31';
    const before = await get(url);
    c.prepare("INSERT INTO questionnaire_responses (id, questionnaire_id, patient_id, department_id, doctor_id, source, recorded_by, authored_at, month, sub_scores, satisfaction, nps, fhir) VALUES ('srlate', ?, 'sp', ?, ?, 'staff', 'test', '2026-10-31T03:00:00.000Z', '2026-10', '{\"byGroup\":{},\"byTag\":{}}', 5, 10, '{}')").run(questionnaireId, card, `${card}-a`);
    c.prepare("DELETE FROM stats_rollup_days WHERE day > '2026-10-31'").run();
    await rollUpFinishedDays(h.system());
    expect((await get(url)).current.responses).toBe(before.current.responses + 1);
  });
});
