import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Append-only: triggers in the migrations refuse UPDATE and DELETE. Each row's hash covers its content and the
 * previous row's hash, so any edit made behind the database's back breaks the chain at that row.
 */
export const auditLog = sqliteTable(
  'audit_log',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    id: text('id').notNull().unique(),
    at: text('at').notNull(),
    actorKind: text('actor_kind').notNull(),
    actorId: text('actor_id').notNull(),
    actorRole: text('actor_role'),
    action: text('action').notNull(),
    patientId: text('patient_id'),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id'),
    ip: text('ip'),
    requestId: text('request_id').notNull(),
    reason: text('reason'),
    detail: text('detail'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    index('audit_patient_idx').on(t.patientId, t.seq),
    index('audit_actor_idx').on(t.actorId, t.seq),
    index('audit_at_idx').on(t.at),
  ],
);
