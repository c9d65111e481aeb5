import type { Db } from '../../db/client.js';
import type { Deps } from '../../src/lib/context.js';
import { cachedBenchDatabase } from './fixture.js';
import { note } from './report.js';
import { seededRandom } from '../helpers/random.js';

const FIXTURE_VERSION = 2;
const DEPARTMENTS = 20;
const DOCTORS_PER_DEPARTMENT = 10;
const DAYS = 730;
const ITEMS = [
  ['doctor', 'aspect-doctor'],
  ['explanation', 'aspect-explanation'],
  ['nursing', 'aspect-nursing'],
  ['waiting', 'aspect-waiting'],
  ['environment', 'aspect-environment'],
  ['cost', 'aspect-cost'],
  ['overall', 'satisfaction-overall'],
] as const;
const CLASSES = ['outpatient', 'outpatient', 'outpatient', 'emergency', 'inpatient', 'surgery', 'lab', 'exam'] as const;
const ICD = ['I10', 'E11.9', 'J18.9', 'K29.7', 'M54.5', 'S82.0', 'C34.9', 'N18.3', 'F32.9', 'Z00.0'];

/**
 * The statistics benchmark hospital at `scale` times the demo (1×: 50,000 encounters, 10,000 responses, 20,000
 * messages, 10,000 patients), over the two years before now. Rows go in through prepared statements in large
 * transactions: building is not what is measured. Deterministic (a fixed linear congruential generator).
 */
export async function statsHospital(scale: number): Promise<{ db: Db; deps: Deps; counts: Record<string, number> }> {
  const counts = { patients: 10_000 * scale, encounters: 50_000 * scale, responses: 10_000 * scale, messages: 20_000 * scale };
  const opened = await cachedBenchDatabase(
    `stats-v${FIXTURE_VERSION}-${scale}`,
    async (deps, path) => {
      note(`generating the stats hospital ×${scale} into ${path} (${JSON.stringify(counts)})`);
      const started = performance.now();
      const c = deps.db.$client;
      // Integer arithmetic: with doubles the product lost its low bits and the sequence cycled every 10,466 draws, so
      // version 1's 5,000,000 encounters were some 10,000 rows repeated (a few thousand patients, a few cells).
      const rnd = seededRandom(20261123);
      const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)]!;
      const now = Date.now();
      const instant = () => new Date(now - Math.floor(rnd() * DAYS * 86_400_000)).toISOString();
      const pad = (n: number) => String(n).padStart(9, '0');
      const at = new Date(now - DAYS * 86_400_000).toISOString();

      c.transaction(() => {
        const dept = c.prepare('INSERT INTO departments (id, code, name_zh, name_en, created_at) VALUES (?, ?, ?, ?, ?)');
        const doc = c.prepare("INSERT INTO staff (id, username, display_name, role, department_id, password_hash, created_at, updated_at) VALUES (?, ?, ?, 'doctor', ?, 'x', ?, ?)");
        for (let d = 0; d < DEPARTMENTS; d++) {
          dept.run(`d${d}`, `D${d}`, `科室${d}`, `Dept ${d}`, at);
          for (let k = 0; k < DOCTORS_PER_DEPARTMENT; k++) doc.run(`d${d}s${k}`, `doc${d}_${k}`, `医生${d}-${k}`, `d${d}`, at, at);
        }
        const patient = c.prepare(
          "INSERT INTO patients (id, name, name_pinyin, name_initials, gender, birth_date, province, city, source, emergency_contacts, tags, created_at, updated_at) VALUES (?, '患者', 'huanzhe', 'hz', ?, ?, ?, ?, ?, '[]', '[]', ?, ?)",
        );
        for (let p = 0; p < counts.patients; p++) {
          const created = instant();
          patient.run(`p${pad(p)}`, rnd() < 0.5 ? 'male' : 'female', `${1930 + Math.floor(rnd() * 90)}-0${1 + Math.floor(rnd() * 9)}-1${Math.floor(rnd() * 9)}`, pick(['北京市', '上海市', '河北省', '广东省']), pick(['北京市', '上海市', '石家庄市', '广州市']), pick(['walk-in', 'referral', 'online', 'phone']), created, created);
        }
      })();
      note(`  patients in ${Math.round(performance.now() - started)} ms`);

      const encounter = c.prepare("INSERT INTO encounters (id, patient_id, class, status, department_id, attending_doctor_id, start_at, charges_cents, created_at) VALUES (?, ?, ?, 'finished', ?, ?, ?, ?, ?)");
      const diagnosis = c.prepare('INSERT INTO diagnoses (id, encounter_id, patient_id, code, text, is_primary) VALUES (?, ?, ?, ?, ?, 1)');
      const BATCH = 100_000;
      for (let from = 0; from < counts.encounters; from += BATCH) {
        c.transaction(() => {
          for (let e = from; e < Math.min(counts.encounters, from + BATCH); e++) {
            const d = Math.floor(rnd() * DEPARTMENTS);
            const id = `e${pad(e)}`;
            const pid = `p${pad(Math.floor(rnd() * counts.patients))}`;
            const start = instant();
            encounter.run(id, pid, pick(CLASSES), `d${d}`, `d${d}s${Math.floor(rnd() * DOCTORS_PER_DEPARTMENT)}`, start, Math.floor(rnd() * 500_000), start);
            if (e % 4 === 0) diagnosis.run(`x${pad(e)}`, id, pid, pick(ICD), 'diagnosis');
          }
        })();
      }
      note(`  encounters in ${Math.round(performance.now() - started)} ms`);

      const questionnaireId = deps.questionnaires.find('https://hcrm.example/fhir/Questionnaire/outpatient-satisfaction')!.id;
      const response = c.prepare(
        "INSERT INTO questionnaire_responses (id, questionnaire_id, patient_id, encounter_id, department_id, doctor_id, source, recorded_by, authored_at, month, total_score, sub_scores, satisfaction, nps, fhir) VALUES (?, ?, ?, ?, ?, ?, 'patient', 'bench', ?, ?, ?, '{\"byGroup\":{},\"byTag\":{}}', ?, ?, '{}')",
      );
      const answer = c.prepare("INSERT INTO questionnaire_answers (response_id, link_id, position, value_type, value_code, score, tags) VALUES (?, ?, 0, 'coding', ?, ?, ?)");
      const comment = c.prepare("INSERT INTO questionnaire_answers (response_id, link_id, position, value_type, value_text, tags) VALUES (?, 'suggestion', 0, 'string', ?, '')");
      for (let from = 0; from < counts.responses; from += BATCH) {
        c.transaction(() => {
          for (let r = from; r < Math.min(counts.responses, from + BATCH); r++) {
            const id = `r${pad(r)}`;
            const d = Math.floor(rnd() * DEPARTMENTS);
            const authored = instant();
            const scores = ITEMS.map(() => 1 + Math.floor(rnd() * 5));
            const overall = scores[6]!;
            response.run(id, questionnaireId, `p${pad(Math.floor(rnd() * counts.patients))}`, `e${pad(Math.floor(rnd() * counts.encounters))}`, `d${d}`, `d${d}s${Math.floor(rnd() * DOCTORS_PER_DEPARTMENT)}`, authored, authored.slice(0, 7), scores.reduce((a, b) => a + b, 0), overall, Math.floor(rnd() * 11));
            ITEMS.forEach(([linkId, tag], i) => answer.run(id, linkId, String(scores[i]), scores[i], tag));
            if (r % 20 === 0) comment.run(id, overall <= 2 ? '等候时间太长' : '服务很好，谢谢');
          }
        })();
      }
      note(`  responses in ${Math.round(performance.now() - started)} ms`);

      const message = c.prepare(
        "INSERT INTO messages (id, dedupe_key, patient_id, purpose, category, channel, template, locale, body, status, scheduled_at, due_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'bench', 'zh-CN', '您好', ?, ?, ?, ?, ?)",
      );
      for (let from = 0; from < counts.messages; from += BATCH) {
        c.transaction(() => {
          for (let m = from; m < Math.min(counts.messages, from + BATCH); m++) {
            const created = instant();
            const purpose = pick(['care-reminder', 'questionnaire', 'greeting', 'campaign']);
            message.run(`m${pad(m)}`, `m${m}`, `p${pad(Math.floor(rnd() * counts.patients))}`, purpose, purpose === 'campaign' ? 'marketing' : 'care', rnd() < 0.8 ? 'sms' : 'email', pick(['delivered', 'delivered', 'delivered', 'sent', 'failed', 'undelivered', 'cancelled']), created, created, created, created);
          }
        })();
      }
      note(`  messages in ${Math.round(performance.now() - started)} ms; built in ${Math.round((performance.now() - started) / 1000)} s`);
    },
    { durableBuild: false },
  );
  return { ...opened, counts };
}
