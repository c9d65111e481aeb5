import { and, desc, eq, lt, or } from 'drizzle-orm';
import type { Tx } from '../../../db/client.js';
import { allergies, diagnoses, encounters, patients } from '../../../db/schema/patients.js';
import type { TimelineProvider, TimelineQuery } from './timeline.js';
import type { TimelineEntry } from './patients.schemas.js';

/** The patients module's own timeline entries: the file's creation, encounters (with diagnoses) and allergies. */
export const patientTimelineProviders: TimelineProvider[] = [
  {
    kind: 'patient',
    entries(tx: Tx, patientId: string, query: TimelineQuery): TimelineEntry[] {
      const row = tx.select({ id: patients.id, createdAt: patients.createdAt }).from(patients).where(eq(patients.id, patientId)).get();
      if (!row || !isBefore(row.createdAt, row.id, query.before)) return [];
      return [{ id: row.id, at: row.createdAt, kind: 'patient', title: 'patient.created', detail: null, departmentId: null, clinical: false }];
    },
  },
  {
    kind: 'encounter',
    entries(tx: Tx, patientId: string, query: TimelineQuery): TimelineEntry[] {
      const before = query.before;
      const rows = tx
        .select()
        .from(encounters)
        .where(
          and(
            eq(encounters.patientId, patientId),
            before ? or(lt(encounters.startAt, before[0]), and(eq(encounters.startAt, before[0]), lt(encounters.id, before[1]))) : undefined,
          ),
        )
        .orderBy(desc(encounters.startAt), desc(encounters.id))
        .limit(query.limit)
        .all();
      const dx = rows.length === 0 ? [] : tx.select().from(diagnoses).where(eq(diagnoses.patientId, patientId)).all();
      return rows.map((e) => ({
        id: e.id,
        at: e.startAt,
        kind: 'encounter',
        title: `encounter.${e.class}`,
        // Without clinical access the entry still says a visit happened, but not what for.
        detail: query.clinical
          ? dx
              .filter((d) => d.encounterId === e.id)
              .map((d) => `${d.code} ${d.text}`)
              .join('; ') || e.summary
          : null,
        departmentId: query.clinical ? e.departmentId : null,
        clinical: false,
      }));
    },
  },
  {
    kind: 'allergy',
    entries(tx: Tx, patientId: string, query: TimelineQuery): TimelineEntry[] {
      if (!query.clinical) return [];
      return tx
        .select()
        .from(allergies)
        .where(eq(allergies.patientId, patientId))
        .orderBy(desc(allergies.recordedAt))
        .all()
        .filter((a) => isBefore(a.recordedAt, a.id, query.before))
        .slice(0, query.limit)
        .map((a) => ({ id: a.id, at: a.recordedAt, kind: 'allergy', title: 'allergy.recorded', detail: [a.substance, a.reaction].filter(Boolean).join(' — '), departmentId: null, clinical: true }));
    },
  },
];

function isBefore(at: string, id: string, before: [string, string] | undefined): boolean {
  return !before || at < before[0] || (at === before[0] && id < before[1]);
}
