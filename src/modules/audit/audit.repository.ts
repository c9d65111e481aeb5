import { and, asc, desc, eq, getTableColumns, gt, gte, lt, lte, max, min, sql, type SQL } from 'drizzle-orm';
import { statement, type Db, type Tx } from '../../../db/client.js';
import { auditActorIndex, auditIndexState, auditLog, auditPatientIndex, auditTimeIndex } from '../../../db/schema/audit.js';

export type AuditRow = typeof auditLog.$inferSelect;
export type NewAuditRow = typeof auditLog.$inferInsert;

export const GENESIS_HASH = '0'.repeat(64);

// Every audited request writes here, so both statements are prepared once per connection.
const LAST_AUDIT_HASH = 'SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1';

export function lastAuditHash(tx: Tx): string {
  const row = statement(tx, LAST_AUDIT_HASH).get() as { hash: string } | undefined;
  return row?.hash ?? GENESIS_HASH;
}

// The columns in the order of the canonical content (audit.service.ts), then the two hashes: the audit writer's
// worker binds a row's parsed canonical content to it as it is.
const INSERT_AUDIT_ROW = `INSERT INTO audit_log (id, at, actor_kind, actor_id, actor_role, action, patient_id, entity_type, entity_id, ip, request_id, reason, detail, prev_hash, hash)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

export function insertAuditRow(tx: Tx, row: NewAuditRow): void {
  // Positional parameters: binding by name looks each one up, on a statement every audited request runs.
  statement(tx, INSERT_AUDIT_ROW).run(
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

/**
 * Rows of the log in one segment, the lead of the patient and actor index keys (seq / AUDIT_SEGMENT_ROWS). Fixed by
 * the stored data: migration 0030 wrote the rows so far with this width, and audit:verify checks every index row.
 * Wide enough that a search by patient asks few segments (400 for six million rows), narrow enough that the pages
 * a chunk of rows lands on, all in the newest segment, stay few and in the writer's cache.
 */
export const AUDIT_SEGMENT_ROWS = 16384;

/** The tables the audit writer fills in sorted chunks, each with the audit_log column it looks up. */
const BULK_INDEXES = [
  { table: 'audit_patient_index', column: 'patient_id', segmented: true },
  { table: 'audit_actor_index', column: 'actor_id', segmented: true },
  { table: 'audit_time_index', column: 'at', segmented: false },
] as const;

/** The statements the audit writer's worker runs on its own connection (audit.writer.ts). */
export function auditWriterStatements() {
  return {
    genesis: GENESIS_HASH,
    lastHash: LAST_AUDIT_HASH,
    insert: INSERT_AUDIT_ROW,
    /** The values a row's canonical content holds (audit.service.ts canonicalContent), before the two hashes. */
    rowWidth: 13,
    logged: 'SELECT 1 FROM audit_log WHERE id = ?',
    indexedThrough: 'SELECT indexed_through FROM audit_index_state WHERE id = 1',
    lastSeq: 'SELECT max(seq) FROM audit_log',
    // Each takes the rows with seq in (?, ?] and adds them in key order, so each leaf page is written once a chunk.
    indexes: BULK_INDEXES.map(({ table, column, segmented }) =>
      segmented
        ? `INSERT INTO ${table} (segment, ${column}, seq) SELECT seq / ${AUDIT_SEGMENT_ROWS}, ${column}, seq FROM audit_log
            WHERE seq > ? AND seq <= ? AND ${column} IS NOT NULL ORDER BY 1, 2, 3`
        : `INSERT INTO ${table} (${column}, seq) SELECT ${column}, seq FROM audit_log WHERE seq > ? AND seq <= ? ORDER BY 1, 2`,
    ),
    setIndexedThrough: 'UPDATE audit_index_state SET indexed_through = ? WHERE id = 1',
  };
}

export interface AuditFilter {
  patientId?: string | undefined;
  actorId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  beforeSeq?: number | undefined;
}

/**
 * Newest first. Rows past the indexes' mark are found by scanning that tail of the log; the rest through the most
 * selective index the filter names (patient, then actor, then period), with the other conditions checked on each row.
 */
export function findAuditRows(tx: Tx, filter: AuditFilter, limit: number): AuditRow[] {
  const where: SQL[] = [];
  if (filter.patientId) where.push(eq(auditLog.patientId, filter.patientId));
  if (filter.actorId) where.push(eq(auditLog.actorId, filter.actorId));
  if (filter.from) where.push(gte(auditLog.at, filter.from));
  if (filter.to) where.push(lte(auditLog.at, filter.to));
  if (filter.beforeSeq !== undefined) where.push(lt(auditLog.seq, filter.beforeSeq));
  const newestFirst = (conditions: (SQL | undefined)[], n: number) => tx.select().from(auditLog).where(and(...conditions)).orderBy(desc(auditLog.seq)).limit(n).all();
  if (!filter.patientId && !filter.actorId && !filter.from && !filter.to) return newestFirst(where, limit);

  const through = indexedThrough(tx);
  const tail = newestFirst([...where, gt(auditLog.seq, through)], limit);
  if (tail.length === limit) return tail;
  const rest = limit - tail.length;
  let low = 1;
  let high = Math.min(through, (filter.beforeSeq ?? Infinity) - 1);
  if (filter.from || filter.to) {
    // The period's lowest and highest seq from the time index: a page is then walked by seq over that range and never
    // sorts the whole period (times and seqs run nearly, not exactly, in the same order).
    const range = periodSeqRange(tx, filter, through);
    if (!range) return tail;
    low = Math.max(low, range.low);
    high = Math.min(high, range.high);
  }
  if (high < low) return tail;
  const index = filter.patientId
    ? { table: auditPatientIndex, segment: auditPatientIndex.segment, seq: auditPatientIndex.seq, match: eq(auditPatientIndex.patientId, filter.patientId) }
    : filter.actorId
      ? { table: auditActorIndex, segment: auditActorIndex.segment, seq: auditActorIndex.seq, match: eq(auditActorIndex.actorId, filter.actorId) }
      : undefined;
  if (!index) return [...tail, ...newestFirst([...where, gte(auditLog.seq, low), lte(auditLog.seq, high)], rest)];

  // The index is keyed by segment first, so a search asks the segments in turn, newest first, until the page is full.
  const inSegment = tx
    .select(getTableColumns(auditLog))
    .from(index.table)
    .innerJoin(auditLog, eq(auditLog.seq, index.seq))
    .where(and(eq(index.segment, sql.placeholder('segment')), index.match, gte(index.seq, low), lte(index.seq, high), ...where))
    .orderBy(desc(index.seq))
    .limit(sql.placeholder('limit'))
    .prepare();
  const found = [...tail];
  for (let segment = Math.floor(high / AUDIT_SEGMENT_ROWS); segment >= Math.floor(low / AUDIT_SEGMENT_ROWS) && found.length < limit; segment--) {
    found.push(...inSegment.all({ segment, limit: limit - found.length }));
  }
  return found;
}

/** The lowest and highest seq the time index holds for the filter's period, up to the mark. */
function periodSeqRange(tx: Tx, filter: AuditFilter, through: number): { low: number; high: number } | undefined {
  const period = [filter.from ? gte(auditTimeIndex.at, filter.from) : undefined, filter.to ? lte(auditTimeIndex.at, filter.to) : undefined];
  const range = tx
    .select({ low: min(auditTimeIndex.seq), high: max(auditTimeIndex.seq) })
    .from(auditTimeIndex)
    .where(and(...period, lte(auditTimeIndex.seq, through)))
    .get();
  return range?.low == null || range.high == null ? undefined : { low: range.low, high: range.high };
}

/** The highest seq whose row is in the bulk indexes; every row after it is found by scanning the log. */
export function indexedThrough(tx: Tx): number {
  return tx.select({ through: auditIndexState.indexedThrough }).from(auditIndexState).get()?.through ?? 0;
}

export interface IndexMismatch {
  index: string;
  /** Rows up to the mark missing from the index. */
  missing: number;
  /** Index rows that name no such row, or a row past the mark. */
  stray: number;
}

/** Each bulk index against the log, up to the mark; run it in one read transaction, so the mark cannot move under it. */
export function auditIndexMismatches(tx: Tx): IndexMismatch[] {
  const through = indexedThrough(tx);
  const count = (text: string) => statement(tx, text).pluck(true).get(through) as number;
  return BULK_INDEXES.map(({ table, column, segmented }) => {
    const segmentOf = (alias: string) => `${alias}.seq / ${AUDIT_SEGMENT_ROWS}`;
    return {
      index: table,
      missing: count(
        `SELECT count(*) FROM audit_log a WHERE a.seq <= ? AND a.${column} IS NOT NULL AND NOT EXISTS
          (SELECT 1 FROM ${table} i WHERE ${segmented ? `i.segment = ${segmentOf('a')} AND ` : ''}i.${column} = a.${column} AND i.seq = a.seq)`,
      ),
      stray: count(
        `SELECT count(*) FROM ${table} i WHERE i.seq > ?${segmented ? ` OR i.segment != ${segmentOf('i')}` : ''}
          OR NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.seq = i.seq AND a.${column} = i.${column})`,
      ),
    };
  }).filter((m) => m.missing > 0 || m.stray > 0);
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
