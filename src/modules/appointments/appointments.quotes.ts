import type { Tx } from '../../../db/client.js';
import { addDays, localDate } from '../../lib/clock.js';
import type { ServiceContext } from '../../lib/context.js';
import { departmentNames } from '../staff/staff.service.js';
import * as repo from './appointments.repository.js';
import { freeFor } from './appointments.schedules.js';

export interface OpenSessionQuote {
  doctor: string;
  department: string;
  date: string;
  halfDay: repo.SessionRow['halfDay'];
  startAt: string;
  /** Places a patient can still book online (the web channel's share). */
  free: number;
}

/** What a question names and the next sessions of it with free places; `sessions` empty: none in the window. */
export interface NamedSchedule {
  named: { kind: 'doctor' | 'department'; names: string[] };
  sessions: OpenSessionQuote[];
}

/**
 * For automatic answers to patients' questions ("王建国医生哪天出诊", "心内科还有号吗"): the doctors or, failing
 * that, the departments a text names, and their next open sessions with free places in the coming days, live
 * from the schedule. Null when the text names no doctor and no department with doctors. No patient data.
 */
export function openSessionsNamedIn(tx: Tx, ctx: Pick<ServiceContext, 'now' | 'timeZone'>, text: string, options: { days?: number; limit?: number } = {}): NamedSchedule | null {
  const days = options.days ?? 14;
  const limit = options.limit ?? 3;
  const from = localDate(ctx.now, ctx.timeZone);
  const to = addDays(from, days - 1);
  const lower = text.toLowerCase();
  const names = (departmentId: string) => departmentNames(tx, departmentId);
  const doctors = repo.doctorsOf(tx, undefined);
  const mentioned = doctors.filter((d) => d.name.length >= 2 && text.includes(d.name));
  const doctorById = new Map(doctors.map((d) => [d.id, d]));
  let named: NamedSchedule['named'];
  let rows: repo.SessionRow[];
  if (mentioned.length > 0) {
    named = { kind: 'doctor', names: mentioned.map((d) => d.name) };
    rows = mentioned.flatMap((d) => repo.sessionsOfDoctor(tx, d.id, from, to));
  } else {
    const departments = [...new Set(doctors.map((d) => d.departmentId))].filter((id) => {
      const n = names(id);
      return n !== undefined && ((n.nameZh.length >= 2 && text.includes(n.nameZh)) || (n.nameEn.length >= 3 && lower.includes(n.nameEn.toLowerCase())));
    });
    if (departments.length === 0) return null;
    named = { kind: 'department', names: departments.map((id) => names(id)!.nameZh) };
    rows = departments.flatMap((id) => repo.sessionsOfDepartment(tx, id, from, to));
  }
  const nowIso = ctx.now.toISOString();
  const sessions = rows
    .filter((r) => r.status === 'open' && r.startAt > nowIso && freeFor(r, 'web') > 0)
    .sort((a, b) => a.startAt.localeCompare(b.startAt))
    .slice(0, limit)
    .map((r) => ({ doctor: doctorById.get(r.doctorId)?.name ?? '', department: names(r.departmentId)?.nameZh ?? '', date: r.date, halfDay: r.halfDay, startAt: r.startAt, free: freeFor(r, 'web') }));
  return { named, sessions };
}
