import { addDays, instantAtLocalTime, localDate } from '../../src/lib/clock.js';
import type { Deps } from '../../src/lib/context.js';
import { newId } from '../../src/lib/ids.js';
import { createDepartment } from '../../src/modules/staff/staff.service.js';
import { systemContext } from '../../src/lib/context.js';
import { note } from './report.js';

const DEPARTMENTS = 12;
const DOCTORS_PER_DEPARTMENT = 8;
const SLOTS_PER_SESSION = 8;

/**
 * Two years of clinics (one year back, one ahead): 12 departments of 8 doctors, a morning and an afternoon session
 * every weekday, 8 slots each, about a third of the places booked, written with plain INSERTs (the free counts on
 * each session row match its slots, as the booking service keeps them). Returns the departments' ids.
 */
export async function twoYearsOfSchedules(deps: Deps): Promise<string[]> {
  const ctx = systemContext(deps, 'bench');
  const departmentIds: string[] = [];
  for (let d = 0; d < DEPARTMENTS; d++) departmentIds.push((await createDepartment(ctx, { code: `B${d}`, nameZh: `科室${d}`, nameEn: `Dept ${d}` })).id);
  const client = deps.db.$client;
  const doctor = client.prepare("INSERT INTO doctor_profiles (id, department_id, name, title, fee_class, active, created_at) VALUES (?, ?, ?, 'attending', 'general', 1, ?)");
  const session = client.prepare(
    "INSERT INTO clinic_sessions (id, doctor_id, department_id, date, half_day, start_at, end_at, status, capacity, booked, free_shared, reserved_web, reserved_phone, reserved_desk, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, 0, ?)",
  );
  const slot = client.prepare('INSERT INTO slots (id, session_id, start_at, end_at, capacity, booked, reserved_web, reserved_phone, reserved_desk) VALUES (?, ?, ?, ?, 3, ?, ?, ?, 0)');
  const today = localDate(new Date(), 'Asia/Shanghai');
  const nowIso = new Date().toISOString();
  let sessions = 0;
  client.transaction(() => {
    for (const departmentId of departmentIds) {
      for (let n = 0; n < DOCTORS_PER_DEPARTMENT; n++) {
        const doctorId = newId();
        doctor.run(doctorId, departmentId, `医生${n}`, nowIso);
        for (let day = -365; day < 365; day++) {
          const date = addDays(today, day);
          const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
          if (weekday === 0 || weekday === 6) continue;
          for (const [halfDay, start] of [['morning', 8], ['afternoon', 14]] as const) {
            const id = newId();
            const starts = Array.from({ length: SLOTS_PER_SESSION }, (_v, i) => instantAtLocalTime(date, `${String(start + Math.floor(i / 2)).padStart(2, '0')}:${i % 2 ? '30' : '00'}`, 'Asia/Shanghai'));
            const booked = starts.map((_s, i) => (i + day + n) % 3 === 0 ? 3 : (i + n) % 2);
            // Two places of each slot are the web's and the phone's until release; the rest are shared.
            const reservedWeb = booked.map((b) => (b === 0 ? 1 : 0));
            const reservedPhone = booked.map((b) => (b <= 1 ? 1 : 0));
            const freeShared = booked.reduce((sum, b, i) => sum + 3 - b - reservedWeb[i]! - reservedPhone[i]!, 0);
            const sum = (list: number[]) => list.reduce((a, b) => a + b, 0);
            session.run(id, doctorId, departmentId, date, halfDay, starts[0]!.toISOString(), new Date(starts.at(-1)!.getTime() + 1800_000).toISOString(), 3 * SLOTS_PER_SESSION, sum(booked), freeShared, sum(reservedWeb), sum(reservedPhone), nowIso);
            starts.forEach((s, i) => slot.run(newId(), id, s.toISOString(), new Date(s.getTime() + 1800_000).toISOString(), booked[i], reservedWeb[i], reservedPhone[i]));
            sessions++;
          }
        }
      }
      note(`  department done: ${sessions} sessions so far`);
    }
  })();
  return departmentIds;
}
