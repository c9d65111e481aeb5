import type { Db } from '../../db/client.js';
import type { Deps } from '../../src/lib/context.js';
import { DEFAULT_CONSULTATION_CATEGORIES } from '../../src/modules/consultations/callcentre.deps.js';
import { FEEDBACK_CATEGORIES } from '../../src/modules/feedback/feedback.schemas.js';
import { cachedBenchDatabase } from './fixture.js';
import { note } from './report.js';
import { seededRandom } from '../helpers/random.js';

const FIXTURE_VERSION = 2;
const DEPARTMENTS = 20;
const DOCTORS_PER_DEPARTMENT = 10;
const DAYS = 730;

/**
 * The service figures' benchmark hospital at `scale` times the demo unit of the stats bench (1×: 10,000 patients,
 * 50,000 encounters of which 1 in 8 an inpatient stay, 10,000 responses), over the two years before now. The demo
 * makes no bookings, calls, consultations or feedback, so their volumes are set in proportion: per 1×, 20,000
 * appointments, 6,250 discharges (70 % on a plan), 10,000 follow-up calls with 15,000 attempts, 5,000
 * consultations and 2,000 feedback cases. Its own file (stats-service-v…): the satisfaction bench's file is never
 * opened. Each doctor has one clinic session and slot as the appointments' foreign keys (statistics never read
 * them); a booking that would be a patient's second open one with a doctor that day is skipped, as the unique index
 * wants. Prepared statements in large transactions; deterministic.
 */
export async function statsServiceHospital(scale: number): Promise<{ db: Db; deps: Deps; counts: Record<string, number> }> {
  const counts = {
    patients: 10_000 * scale,
    appointments: 20_000 * scale,
    discharges: 6_250 * scale,
    tasks: 10_000 * scale,
    consultations: 5_000 * scale,
    feedback: 2_000 * scale,
    responses: 10_000 * scale,
  };
  const opened = await cachedBenchDatabase(
    `stats-service-v${FIXTURE_VERSION}-${scale}`,
    async (deps, path) => {
      note(`generating the service figures' hospital ×${scale} into ${path} (${JSON.stringify(counts)})`);
      const started = performance.now();
      const c = deps.db.$client;
      // Integer arithmetic: with doubles the product lost its low bits and the sequence cycled every 10,466 draws, so
      // version 1's 5,000,000 encounters were some 10,000 rows repeated (a few thousand patients, a few cells).
      const rnd = seededRandom(20261124);
      const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)]!;
      const now = Date.now();
      const instantMs = () => now - Math.floor(rnd() * DAYS * 86_400_000);
      const iso = (ms: number) => new Date(ms).toISOString();
      const localDay = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
      const pad = (n: number) => String(n).padStart(9, '0');
      const patientId = () => `p${pad(Math.floor(rnd() * counts.patients))}`;
      const at = iso(now - DAYS * 86_400_000);
      const BATCH = 100_000;
      const inBatches = (total: number, row: (i: number) => void) => {
        for (let from = 0; from < total; from += BATCH) c.transaction(() => {
          for (let i = from; i < Math.min(total, from + BATCH); i++) row(i);
        })();
      };
      const step = (what: string) => note(`  ${what} in ${Math.round(performance.now() - started)} ms`);

      c.transaction(() => {
        const dept = c.prepare('INSERT INTO departments (id, code, name_zh, name_en, created_at) VALUES (?, ?, ?, ?, ?)');
        const doc = c.prepare("INSERT INTO staff (id, username, display_name, role, department_id, password_hash, created_at, updated_at) VALUES (?, ?, ?, 'doctor', ?, 'x', ?, ?)");
        const profile = c.prepare("INSERT INTO doctor_profiles (id, staff_id, department_id, name, title, fee_class, active, created_at) VALUES (?, ?, ?, ?, 'attending', 'general', 1, ?)");
        const session = c.prepare(
          "INSERT INTO clinic_sessions (id, doctor_id, department_id, date, half_day, start_at, end_at, status, capacity, booked, free_shared, reserved_web, reserved_phone, reserved_desk, created_at) VALUES (?, ?, ?, ?, 'morning', ?, ?, 'stopped', 1, 0, 1, 0, 0, 0, ?)",
        );
        const slot = c.prepare('INSERT INTO slots (id, session_id, start_at, end_at, capacity, booked, reserved_web, reserved_phone, reserved_desk) VALUES (?, ?, ?, ?, 1, 0, 0, 0, 0)');
        for (let d = 0; d < DEPARTMENTS; d++) {
          dept.run(`d${d}`, `D${d}`, `科室${d}`, `Dept ${d}`, at);
          for (let k = 0; k < DOCTORS_PER_DEPARTMENT; k++) {
            doc.run(`d${d}s${k}`, `doc${d}_${k}`, `医生${d}-${k}`, `d${d}`, at, at);
            profile.run(`d${d}p${k}`, `d${d}s${k}`, `d${d}`, `医生${d}-${k}`, at);
            session.run(`d${d}c${k}`, `d${d}p${k}`, `d${d}`, at.slice(0, 10), at, at, at);
            slot.run(`d${d}l${k}`, `d${d}c${k}`, at, at);
          }
        }
        const patient = c.prepare(
          "INSERT INTO patients (id, name, name_pinyin, name_initials, gender, birth_date, source, emergency_contacts, tags, created_at, updated_at) VALUES (?, '患者', 'huanzhe', 'hz', ?, '1960-01-01', 'walk-in', '[]', '[]', ?, ?)",
        );
        for (let p = 0; p < counts.patients; p++) patient.run(`p${pad(p)}`, rnd() < 0.5 ? 'male' : 'female', at, at);
      })();
      step('patients');

      const appointment = c.prepare(
        "INSERT OR IGNORE INTO appointments (id, patient_id, slot_id, session_id, doctor_id, department_id, date, start_at, type, channel, from_reserve, status, booked_by, created_at, lead_days, cancelled_at, cancel_reason, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'outpatient', ?, 0, ?, 'bench', ?, ?, ?, ?, 1)",
      );
      const STATUSES = ['completed', 'completed', 'completed', 'completed', 'completed', 'completed', 'checked_in', 'no_show', 'cancelled', 'booked', 'requested', 'rejected'] as const;
      inBatches(counts.appointments, (i) => {
        const d = Math.floor(rnd() * DEPARTMENTS);
        const k = Math.floor(rnd() * DOCTORS_PER_DEPARTMENT);
        const start = instantMs();
        const lead = Math.floor(rnd() * rnd() * 15);
        const status = pick(STATUSES);
        const cancelled = status === 'cancelled';
        appointment.run(`a${pad(i)}`, patientId(), `d${d}l${k}`, `d${d}c${k}`, `d${d}p${k}`, `d${d}`, localDay(start), iso(start), pick(['web', 'phone', 'desk']), status, iso(start - lead * 86_400_000), lead, cancelled ? iso(start - 3_600_000) : null, cancelled ? (rnd() < 0.25 ? 'rescheduled' : '病情变化') : null);
      });
      step('appointments');

      const encounter = c.prepare("INSERT INTO encounters (id, patient_id, class, status, department_id, attending_doctor_id, start_at, end_at, charges_cents, created_at) VALUES (?, ?, 'inpatient', 'finished', ?, ?, ?, ?, 0, ?)");
      const enrolment = c.prepare(
        "INSERT INTO followup_enrolments (id, patient_id, plan_code, plan_version, keep_version, encounter_id, department_id, trigger, anchor_date, reason, status, created_at, created_by) VALUES (?, ?, 'bench-discharge', 1, 0, ?, ?, 'discharge', ?, 'bench', 'active', ?, 'bench')",
      );
      inBatches(counts.discharges, (i) => {
        const d = Math.floor(rnd() * DEPARTMENTS);
        const end = instantMs();
        const start = end - (1 + Math.floor(rnd() * 10)) * 86_400_000;
        const pid = patientId();
        encounter.run(`e${pad(i)}`, pid, `d${d}`, `d${d}s${Math.floor(rnd() * DOCTORS_PER_DEPARTMENT)}`, iso(start), iso(end), iso(end));
        if (rnd() < 0.7) enrolment.run(`n${pad(i)}`, pid, `e${pad(i)}`, `d${d}`, localDay(end), iso(end));
      });
      step('discharges');

      const task = c.prepare(
        "INSERT INTO followup_tasks (id, patient_id, department_id, kind, title, assignee_role, status, due_at, hours_from, hours_to, attempts, max_attempts, outcome, version, created_at, updated_at, closed_at) VALUES (?, ?, ?, 'call', '电话随访', 'nurse', ?, ?, '09:00', '17:00', ?, 3, ?, 1, ?, ?, ?)",
      );
      const attempt = c.prepare('INSERT INTO followup_task_attempts (id, task_id, at, staff_id, outcome) VALUES (?, ?, ?, ?, ?)');
      let attempts = 0;
      inBatches(counts.tasks, (i) => {
        const d = Math.floor(rnd() * DEPARTMENTS);
        const due = instantMs();
        const status = pick(['done', 'done', 'done', 'done', 'done', 'done', 'done', 'failed', 'open', 'cancelled'] as const);
        const tries = status === 'open' || status === 'cancelled' ? Math.floor(rnd() * 2) : status === 'failed' ? 3 : 1 + Math.floor(rnd() * 2);
        const closed = status === 'done' || status === 'failed' ? due + Math.floor(rnd() * 48 * 3_600_000) : null;
        const id = `t${pad(i)}`;
        task.run(id, patientId(), `d${d}`, status, iso(due), tries, status === 'done' ? 'reached' : tries > 0 ? 'not-reached' : null, iso(due), iso(closed ?? due), closed === null ? null : iso(closed));
        for (let k = 0; k < tries; k++) attempt.run(`x${pad(attempts++)}`, id, iso(due + k * 3_600_000), `d${d}s0`, status === 'done' && k === tries - 1 ? 'reached' : 'not-reached');
      });
      step(`follow-up tasks (${attempts} attempts)`);

      const consultation = c.prepare("INSERT INTO consultations (id, channel, category, question, answer, status, conversion, version, created_at, updated_at) VALUES (?, 'phone', ?, '问题', '回答', 'answered', ?, 1, ?, ?)");
      inBatches(counts.consultations, (i) => {
        const created = iso(instantMs());
        consultation.run(`c${pad(i)}`, pick(DEFAULT_CONSULTATION_CATEGORIES), pick(['converted', 'not_converted', 'not_converted', 'pending']), created, created);
      });
      step('consultations');

      const feedback = c.prepare(
        "INSERT INTO feedback (id, kind, source, patient_id, anonymous, category, department_id, severity, text, status, deadline_at, escalation_level, escalated_at, resolved_at, version, created_at, updated_at) VALUES (?, ?, 'agent', ?, 0, ?, ?, ?, '反馈', ?, ?, ?, ?, ?, 1, ?, ?)",
      );
      inBatches(counts.feedback, (i) => {
        const created = instantMs();
        const resolved = rnd() < 0.7 ? created + Math.floor(rnd() * 120 * 3_600_000) : null;
        const escalated = rnd() < 0.1;
        feedback.run(
          `f${pad(i)}`,
          pick(['complaint', 'complaint', 'suggestion', 'praise', 'inquiry']),
          patientId(),
          pick(FEEDBACK_CATEGORIES),
          `d${Math.floor(rnd() * DEPARTMENTS)}`,
          pick(['low', 'medium', 'high', 'critical']),
          resolved === null ? pick(['open', 'assigned', 'in_progress']) : pick(['resolved', 'closed']),
          iso(created + (1 + Math.floor(rnd() * 5)) * 86_400_000),
          escalated ? 1 : 0,
          escalated ? iso(created + 2 * 86_400_000) : null,
          resolved === null ? null : iso(resolved),
          iso(created),
          iso(created),
        );
      });
      step('feedback');

      const questionnaireId = deps.questionnaires.find('https://hcrm.example/fhir/Questionnaire/outpatient-satisfaction')!.id;
      const response = c.prepare(
        "INSERT INTO questionnaire_responses (id, questionnaire_id, patient_id, department_id, doctor_id, source, recorded_by, authored_at, month, sub_scores, satisfaction, nps, fhir) VALUES (?, ?, ?, ?, ?, 'patient', 'bench', ?, ?, '{\"byGroup\":{},\"byTag\":{}}', ?, ?, '{}')",
      );
      inBatches(counts.responses, (i) => {
        const d = Math.floor(rnd() * DEPARTMENTS);
        const authored = iso(instantMs());
        response.run(`r${pad(i)}`, questionnaireId, patientId(), `d${d}`, `d${d}s${Math.floor(rnd() * DOCTORS_PER_DEPARTMENT)}`, authored, authored.slice(0, 7), 1 + Math.floor(rnd() * 5), Math.floor(rnd() * 11));
      });
      note(`  responses; built in ${Math.round((performance.now() - started) / 1000)} s`);
    },
    { durableBuild: false },
  );
  return { ...opened, counts };
}
