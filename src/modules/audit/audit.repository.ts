import { and, asc, desc, eq, gte, lt, lte, type SQL } from 'drizzle-orm';
import { statement, type Db, type Tx } from '../../../db/client.js';
import { auditLog } from '../../../db/schema/audit.js';

export type AuditRow = typeof auditLog.$inferSelect;
export type NewAuditRow = typeof auditLog.$inferInsert;

export const GENESIS_HASH = '0'.repeat(64);

// Every audited request writes here, so both statements are prepared once per connection.
export function lastAuditHash(tx: Tx): string {
  const row = statement(tx, 'SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { hash: string } | undefined;
  return row?.hash ?? GENESIS_HASH;
}

export function insertAuditRow(tx: Tx, row: NewAuditRow): void {
  // Positional parameters: binding by name looks each one up, on a statement every audited request runs.
  statement(
    tx,
    `INSERT INTO audit_log (id, at, actor_kind, actor_id, actor_role, action, patient_id, entity_type, entity_id, ip, request_id, reason, detail, prev_hash, hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    row.id,
    row.at,
    row.actorKind,
    row.actorId,
    row.actorRole ?? null,
    row.action,
    row.patientId ?? null,
    row.entityType,
    row.entityId ?? null,
    row.ip ?? null,
    row.requestId,
    row.reason ?? null,
    row.detail ?? null,
    row.prevHash,
    row.hash,
  );
}

export interface AuditFilter {
  patientId?: string | undefined;
  actorId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  beforeSeq?: number | undefined;
}

export function findAuditRows(tx: Tx, filter: AuditFilter, limit: number): AuditRow[] {
  const where: SQL[] = [];
  if (filter.patientId) where.push(eq(auditLog.patientId, filter.patientId));
  if (filter.actorId) where.push(eq(auditLog.actorId, filter.actorId));
  if (filter.from) where.push(gte(auditLog.at, filter.from));
  if (filter.to) where.push(lte(auditLog.at, filter.to));
  if (filter.beforeSeq !== undefined) where.push(lt(auditLog.seq, filter.beforeSeq));
  return tx.select().from(auditLog).where(and(...where)).orderBy(desc(auditLog.seq)).limit(limit).all();
}

/** Streams the whole chain in order, a page at a time, so verifying millions of rows stays in constant memory. */
export function* allAuditRowsInOrder(db: Db, pageSize = 5000): Generator<AuditRow> {
  let after = 0;
  for (;;) {
    const page = db.select().from(auditLog).where(gte(auditLog.seq, after + 1)).orderBy(asc(auditLog.seq)).limit(pageSize).all();
    if (page.length === 0) return;
    yield* page;
    after = page[page.length - 1]!.seq;
  }
}
