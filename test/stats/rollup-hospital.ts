import type { TestHospital } from '../helpers/app.js';
import { seededRandom } from '../helpers/random.js';

/** Cardiology, orthopaedics and ophthalmology, the departments every stats fixture spreads its visits over. */
export async function threeDepartments(h: TestHospital): Promise<[card: string, orth: string, eye: string]> {
  return [await h.department('CARD', '心内科'), await h.department('ORTH', '骨科'), await h.department('EYE', '眼科')];
}

/** The three departments, an admin (sees every department) and orthopaedics' manager (sees that one only). */
export async function departmentsAndReaders(h: TestHospital) {
  const departments = await threeDepartments(h);
  const [card, orth] = departments;
  return { departments, card, orth, admin: await h.signIn('admin'), manager: await h.signIn('manager', { departmentId: orth }) };
}

/**
 * A hospital with a year of bookings, discharges and follow-up calls in every corner the service rollups must get
 * right, written straight into the tables (as a HIS import would leave them): random but seeded, so each run sees
 * the same rows. The clock of the test stands at 2026-11-23 (Asia/Shanghai); data runs 2026-01-03 … 2026-12-10,
 * so November is under way and December is booked ahead. July has nothing at all (an empty month). Each department
 * has two doctors; some discharges have no department and no attending doctor.
 */
export async function rollupHospital(h: TestHospital) {
  const departments = await threeDepartments(h);
  const c = h.db.$client;
  const rnd = seededRandom(7);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)]!;
  const at = '2025-12-01T00:00:00.000Z';
  // An instant between 2026-01-03 and 2026-12-10, never in July (local days; UTC+8).
  const instant = () => {
    for (;;) {
      const ms = Date.parse('2026-01-03T00:00:00+08:00') + Math.floor(rnd() * 341 * 86_400_000);
      if (new Date(ms + 8 * 3_600_000).toISOString().slice(5, 7) !== '07') return ms;
    }
  };
  const iso = (ms: number) => new Date(ms).toISOString();
  const localDay = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
  const doctors: { staff: string; profile: string; department: string; slot: string; session: string }[] = [];

  c.transaction(() => {
    for (const d of departments) {
      for (const k of [0, 1]) {
        const staff = `${d}-s${k}`;
        c.prepare("INSERT INTO staff (id, username, display_name, role, department_id, password_hash, created_at, updated_at) VALUES (?, ?, ?, 'doctor', ?, 'x', ?, ?)").run(staff, `doc-${staff}`, `医生${k}`, d, at, at);
        c.prepare("INSERT INTO doctor_profiles (id, staff_id, department_id, name, title, fee_class, active, created_at) VALUES (?, ?, ?, ?, 'attending', 'general', 1, ?)").run(`${d}-p${k}`, staff, d, `医生${k}`, at);
        c.prepare(
          "INSERT INTO clinic_sessions (id, doctor_id, department_id, date, half_day, start_at, end_at, status, capacity, booked, free_shared, reserved_web, reserved_phone, reserved_desk, created_at) VALUES (?, ?, ?, '2025-12-01', 'morning', ?, ?, 'stopped', 1, 0, 1, 0, 0, 0, ?)",
        ).run(`${d}-c${k}`, `${d}-p${k}`, d, at, at, at);
        c.prepare('INSERT INTO slots (id, session_id, start_at, end_at, capacity, booked, reserved_web, reserved_phone, reserved_desk) VALUES (?, ?, ?, ?, 1, 0, 0, 0, 0)').run(`${d}-l${k}`, `${d}-c${k}`, at, at);
        doctors.push({ staff, profile: `${d}-p${k}`, department: d, slot: `${d}-l${k}`, session: `${d}-c${k}` });
      }
    }
    const patient = c.prepare("INSERT INTO patients (id, name, name_pinyin, name_initials, gender, birth_date, source, emergency_contacts, tags, created_at, updated_at) VALUES (?, '患者', 'huanzhe', 'hz', 'female', '1970-01-01', 'walk-in', '[]', '[]', ?, ?)");
    for (let p = 0; p < 200; p++) patient.run(`rp${p}`, at, at);

    const appointment = c.prepare(
      "INSERT INTO appointments (id, patient_id, slot_id, session_id, doctor_id, department_id, date, start_at, type, channel, from_reserve, status, booked_by, created_at, lead_days, cancelled_at, cancel_reason, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'outpatient', ?, 0, ?, 'test', ?, ?, ?, ?, 1)",
    );
    const statuses = ['completed', 'completed', 'checked_in', 'no_show', 'cancelled', 'booked', 'requested', 'rejected'] as const;
    for (let i = 0; i < 900; i++) {
      const doctor = pick(doctors);
      const start = instant();
      const lead = Math.floor(rnd() * 10);
      // Bookings not yet come are still booked (or cancelled); the rest may be anything.
      const status = start > h.clock.now().getTime() ? pick(['booked', 'cancelled', 'requested'] as const) : pick(statuses);
      const cancelled = status === 'cancelled';
      appointment.run(`ra${i}`, `rp${i % 200}`, doctor.slot, doctor.session, doctor.profile, doctor.department, localDay(start), iso(start), pick(['web', 'phone', 'desk']), status, iso(start - lead * 86_400_000), lead, cancelled ? iso(start - 3_600_000) : null, cancelled ? pick(['rescheduled', '出差']) : null);
    }

    const encounter = c.prepare("INSERT INTO encounters (id, patient_id, class, status, department_id, attending_doctor_id, start_at, end_at, charges_cents, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?)");
    const enrolment = c.prepare(
      "INSERT INTO followup_enrolments (id, patient_id, plan_code, plan_version, keep_version, encounter_id, department_id, trigger, anchor_date, reason, status, created_at, created_by) VALUES (?, ?, 'test-discharge', 1, 0, ?, ?, 'discharge', ?, 'test', 'active', ?, 'test')",
    );
    for (let i = 0; i < 400; i++) {
      const end = instant();
      if (end > h.clock.now().getTime()) continue;
      const doctor = rnd() < 0.1 ? null : pick(doctors);
      const cls = rnd() < 0.85 ? 'inpatient' : 'outpatient';
      const status = pick(['finished', 'finished', 'finished', 'cancelled', 'in-progress'] as const);
      encounter.run(`re${i}`, `rp${i % 200}`, cls, status, doctor?.department ?? null, doctor?.staff ?? null, iso(end - 3 * 86_400_000), iso(end), iso(end));
      if (rnd() < 0.7) enrolment.run(`rn${i}`, `rp${i % 200}`, `re${i}`, doctor?.department ?? null, localDay(end), iso(end));
    }

    const task = c.prepare(
      "INSERT INTO followup_tasks (id, patient_id, department_id, kind, title, assignee_role, assignee_id, status, due_at, hours_from, hours_to, attempts, max_attempts, outcome, version, created_at, updated_at, closed_at) VALUES (?, ?, ?, 'call', '电话随访', 'nurse', ?, ?, ?, '09:00', '17:00', ?, 3, NULL, 1, ?, ?, ?)",
    );
    const attempt = c.prepare('INSERT INTO followup_task_attempts (id, task_id, at, staff_id, outcome) VALUES (?, ?, ?, ?, ?)');
    for (let i = 0; i < 300; i++) {
      const doctor = pick(doctors);
      const due = instant();
      if (due > h.clock.now().getTime()) continue;
      const tries = 1 + Math.floor(rnd() * 3);
      const status = pick(['done', 'done', 'done', 'failed', 'open', 'cancelled'] as const);
      const closed = status === 'done' || status === 'failed' ? iso(due + Math.floor(rnd() * 40) * 3_600_000) : null;
      task.run(`rt${i}`, `rp${i % 200}`, doctor.department, doctor.staff, status, iso(due), tries, iso(due), iso(due), closed);
      // Attempts a few hours apart: some cross midnight, and so a month's end.
      for (let k = 0; k < tries; k++) attempt.run(`rx${i}-${k}`, `rt${i}`, iso(due + k * 7 * 3_600_000), pick(doctors).staff, k === tries - 1 && rnd() < 0.6 ? 'reached' : 'not-reached');
    }
  })();
  return { departments, doctors };
}
