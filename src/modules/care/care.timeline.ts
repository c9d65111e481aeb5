import type { Tx } from '../../../db/client.js';
import type { TimelineEntry } from '../patients/patients.schemas.js';
import type { TimelineProvider, TimelineQuery } from '../patients/timeline.js';
import { careRemindersOf } from './care.service.js';

/**
 * Care reminders on the patient's timeline: when one was set and when it was ended or cancelled. What a reminder
 * says (drug, dose, re-check) is clinical, so without clinical access the provider leaves them out.
 */
export const careTimelineProvider: TimelineProvider = {
  kind: 'care-reminder',
  entries(tx: Tx, patientId: string, query: TimelineQuery): TimelineEntry[] {
    if (!query.clinical) return [];
    const entries: TimelineEntry[] = [];
    for (const r of careRemindersOf(tx, patientId)) {
      const detail = r.kind === 'medication' ? `${r.drug} ${r.dose} · ${r.timesOfDay.join(' ')}` : r.kind === 'recheck' ? `${r.recheckDate}${r.bring ? ` · ${r.bring}` : ''}` : r.text;
      entries.push({ id: r.id, at: r.createdAt, kind: 'care-reminder', title: `care.reminder.${r.kind}`, detail, departmentId: r.departmentId, clinical: true });
      if (r.closedAt) entries.push({ id: `${r.id}:closed`, at: r.closedAt, kind: 'care-reminder', title: `care.reminder.${r.status}`, detail: r.closeReason, departmentId: r.departmentId, clinical: true });
    }
    const before = query.before;
    return entries
      .filter((e) => !before || e.at < before[0] || (e.at === before[0] && e.id < before[1]))
      .sort((a, b) => (a.at === b.at ? (a.id < b.id ? 1 : -1) : a.at < b.at ? 1 : -1))
      .slice(0, query.limit);
  },
};
