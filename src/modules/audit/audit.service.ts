import { hash } from 'node:crypto';
import type { Db, Tx } from '../../../db/client.js';
import type { ServiceContext } from '../../lib/context.js';
import { newId } from '../../lib/ids.js';
import { badCursor, decodeCursor, pageOf } from '../../lib/pagination.js';
import { inReadSnapshot, inTransaction } from '../../lib/transaction.js';
import { authorize } from '../staff/permissions.js';
import { allAuditRowsInOrder, auditIndexMismatches, findAuditRows, GENESIS_HASH, insertAuditRow, lastAuditHash, type AuditRow, type IndexMismatch, type NewAuditRow } from './audit.repository.js';
import type { AuditQuery } from './audit.schemas.js';

export interface AuditEvent {
  /** What was done, as `<entity>.<verb>`: patient.read, patient.update, staff.login. */
  action: string;
  entityType: string;
  entityId?: string | null;
  patientId?: string | null;
  reason?: string | null;
  /** Field names changed or the query run; never the personal values themselves. */
  detail?: Record<string, unknown> | null;
}

/**
 * Writes one audit row inside the caller's transaction, so the change and its audit commit or fail together.
 * The caller's transaction is IMMEDIATE (lib/transaction.ts), so reading the last hash here cannot race.
 */
export function audit(tx: Tx, ctx: ServiceContext, event: AuditEvent): void {
  appendChained(tx, [auditContent(ctx, event)]);
}

/**
 * Writes rows already made, in order, inside the caller's transaction (the read journal's group commit when it
 * writes on its own connection): the last hash is read once and each row chains to the one written before it.
 */
export function appendChained(tx: Tx, contents: AuditContent[]): void {
  let prevHash = lastAuditHash(tx);
  for (const content of contents) {
    const hash = chainHash(prevHash, canonicalContent(content));
    insertAuditRow(tx, { ...content, prevHash, hash });
    prevHash = hash;
  }
}

export type AuditContent = Omit<NewAuditRow, 'seq' | 'prevHash' | 'hash'>;

/** What the row of `event` says, before it is chained: who did what to which patient, when, from where. */
export function auditContent(ctx: ServiceContext, event: AuditEvent): AuditContent {
  const actor = ctx.actor;
  return {
    id: newId(),
    at: ctx.now.toISOString(),
    actorKind: actor.kind,
    actorId: actor.id,
    actorRole: actor.kind === 'staff' ? actor.role : null,
    action: event.action,
    patientId: event.patientId ?? null,
    entityType: event.entityType,
    entityId: event.entityId ?? null,
    ip: ctx.ip,
    requestId: ctx.requestId,
    reason: event.reason ?? null,
    detail: event.detail ? JSON.stringify(event.detail) : null,
  };
}

/**
 * The content as the hash covers it: a JSON array of the fields in audit_log's column order, which is also the
 * order the audit writer's worker binds them in (audit.repository.ts INSERT_AUDIT_ROW).
 */
export function canonicalContent(c: AuditContent): string {
  return JSON.stringify([c.id, c.at, c.actorKind, c.actorId, c.actorRole ?? null, c.action, c.patientId ?? null, c.entityType, c.entityId ?? null, c.ip ?? null, c.requestId, c.reason ?? null, c.detail ?? null]);
}

/** sha256 over the previous row's hash, a newline and the canonical content; the writer's worker computes the same. */
function chainHash(prevHash: string, canonical: string): string {
  // One-shot: half the time of createHash().update()…digest() on rows this short.
  return hash('sha256', `${prevHash}\n${canonical}`, 'hex');
}

export type ChainReport = { ok: true; rows: number } | { ok: false; rows: number; brokenAtSeq: number; reason: string };

/** Walks the chain from the first row and reports the first row whose link or content does not check out. */
export function verifyAuditChain(db: Db): ChainReport {
  let prev = GENESIS_HASH;
  let rows = 0;
  for (const row of allAuditRowsInOrder(db)) {
    rows++;
    if (row.prevHash !== prev) return { ok: false, rows, brokenAtSeq: row.seq, reason: 'prev_hash does not match the previous row' };
    if (row.hash !== chainHash(prev, canonicalContent(row))) return { ok: false, rows, brokenAtSeq: row.seq, reason: 'content does not match its hash' };
    prev = row.hash;
  }
  return { ok: true, rows };
}

/**
 * The log's indexes by patient, actor and time against the log itself, up to the mark the writer has indexed
 * through: an index row removed or forged would hide a row from a search, or show one that is not there.
 */
export function verifyAuditIndexes(db: Db): IndexMismatch[] {
  return inReadSnapshot({ db }, (tx) => auditIndexMismatches(tx));
}

const SETTLE_WAIT_MS = 5000;

async function settledWithin(journal: ServiceContext['readAudit'], ms: number): Promise<void> {
  if (!journal) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([journal.settled(), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

export async function listAuditEvents(ctx: ServiceContext, query: AuditQuery): Promise<{ items: AuditRow[]; nextCursor: string | null }> {
  authorize(ctx, 'audit.read');
  // Reads answered before this search are in the log, not only in the read journal; a writer that hangs delays the
  // search by SETTLE_WAIT_MS at most, and the search then shows what the log holds.
  await settledWithin(ctx.readAudit, SETTLE_WAIT_MS);
  const cursor = decodeCursor(query.cursor, 1);
  if (cursor && !Number.isSafeInteger(cursor[0])) throw badCursor();
  return inTransaction(ctx, (tx) => {
    const filter = { patientId: query.patientId, actorId: query.actorId, from: query.from, to: query.to, beforeSeq: cursor ? Number(cursor[0]) : undefined };
    const rows = findAuditRows(tx, filter, query.limit + 1);
    audit(tx, ctx, { action: 'audit.read', entityType: 'audit', patientId: query.patientId ?? null, detail: { filter: { ...filter, patientId: undefined } } });
    return pageOf(rows, query.limit, (row) => [row.seq]);
  });
}
