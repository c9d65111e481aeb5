import type { Tx } from '../../../db/client.js';
import type { ServiceContext } from '../../lib/context.js';
import { departmentNames } from '../staff/staff.service.js';
import * as repo from './appointments.repository.js';
import { weekOf } from './appointments.schedules.js';

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
  /** The days looked at: the booking window (HCRM_BOOKING_WINDOW_DAYS), so nothing quoted is refused at booking. */
  days: number;
}

/**
 * For automatic answers to patients' questions ("王建国医生哪天出诊", "心内科还有号吗"): the doctors or, failing
 * that, the departments a text names, and their next open sessions with free places within the booking window,
 * live from the schedule (the booking page's own week, so only active doctors). Only what a patient could book
 * online is quoted: an inactive department, or one that publishes its schedule only (view-only), counts as not
 * named. Null when the text names no such doctor and no such department. No patient data.
 */
export function openSessionsNamedIn(tx: Tx, ctx: ServiceContext, text: string, options: { limit?: number } = {}): NamedSchedule | null {
  const limit = options.limit ?? 3;
  const days = ctx.appointments.bookingWindowDays;
  const lower = text.toLowerCase();
  const departments = new Map<string, { nameZh: string; nameEn: string } | null>();
  const bookable = (departmentId: string) => {
    if (!departments.has(departmentId)) {
      const names = departmentNames(tx, departmentId);
      departments.set(departmentId, names?.active && repo.bookingMode(tx, departmentId) !== 'view_only' ? names : null);
    }
    return departments.get(departmentId) ?? null;
  };
  const doctors = repo.doctorsOf(tx, undefined).filter((d) => bookable(d.departmentId));
  const mentioned = doctors.filter((d) => d.name.length >= 2 && text.includes(d.name));
  // The window as booking checks it: today through bookingWindowDays ahead.
  const week = (departmentId: string, doctorId?: string) => weekOf(tx, ctx, { departmentId, days: days + 1, ...(doctorId ? { doctorId } : {}) }, 'web');
  let named: NamedSchedule['named'];
  let sessions;
  if (mentioned.length > 0) {
    named = { kind: 'doctor', names: mentioned.map((d) => d.name) };
    sessions = mentioned.flatMap((d) => week(d.departmentId, d.id));
  } else {
    const ids = [...new Set(doctors.map((d) => d.departmentId))].filter((id) => {
      const n = bookable(id)!;
      return (n.nameZh.length >= 2 && text.includes(n.nameZh)) || (n.nameEn.length >= 3 && lower.includes(n.nameEn.toLowerCase()));
    });
    if (ids.length === 0) return null;
    named = { kind: 'department', names: ids.map((id) => bookable(id)!.nameZh) };
    sessions = ids.flatMap((id) => week(id));
  }
  const nowIso = ctx.now.toISOString();
  const quotes = sessions
    .filter((s) => s.status === 'open' && s.startAt > nowIso && s.free > 0)
    .sort((a, b) => a.startAt.localeCompare(b.startAt))
    .slice(0, limit)
    .map((s) => ({ doctor: s.doctor.name, department: bookable(s.departmentId)!.nameZh, date: s.date, halfDay: s.halfDay, startAt: s.startAt, free: s.free }));
  return { named, sessions: quotes, days };
}
