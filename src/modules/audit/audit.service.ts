import { createHash } from 'node:crypto';
import type { Db, Tx } from '../../../db/client.js';
import type { ServiceContext } from '../../lib/context.js';
import { newId } from '../../lib/ids.js';
import { badCursor, decodeCursor, pageOf } from '../../lib/pagination.js';
import { inTransaction } from '../../lib/transaction.js';
import { authorize } from '../staff/permissions.js';
import { allAuditRowsInOrder, findAuditRows, GENESIS_HASH, insertAuditRow, lastAuditHash, type AuditRow, type NewAuditRow } from './audit.repository.js';
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
  insertChained(tx, lastAuditHash(tx), ctx, event);
}

/**
 * Writes the rows of several events in order inside the caller's transaction (the read journal's group commit):
 * the last hash is read once and each row chains to the one written before it, as `audit` row by row would.
 * Returns the events written.
 */
export function auditAll<T extends { ctx: ServiceContext; event: AuditEvent }>(tx: Tx, events: T[]): T[] {
  if (events.length === 0) return events;
  let prevHash = lastAuditHash(tx);
  for (const { ctx, event } of events) prevHash = insertChained(tx, prevHash, ctx, event);
  return events;
}

/** Inserts the event's row after the row whose hash is `prevHash`; returns the new row's hash. */
function insertChained(tx: Tx, prevHash: string, ctx: ServiceContext, event: AuditEvent): string {
  const actor = ctx.actor;
  const content = {
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
  const hash = chainHash(prevHash, content);
  insertAuditRow(tx, { ...content, prevHash, hash });
  return hash;
}

type HashedContent = Omit<NewAuditRow, 'seq' | 'prevHash' | 'hash'>;

function chainHash(prevHash: string, c: HashedContent): string {
  const fields = [c.id, c.at, c.actorKind, c.actorId, c.actorRole, c.action, c.patientId, c.entityType, c.entityId, c.ip, c.requestId, c.reason, c.detail];
  return createHash('sha256').update(prevHash).update('\n').update(JSON.stringify(fields)).digest('hex');
}

export type ChainReport = { ok: true; rows: number } | { ok: false; rows: number; brokenAtSeq: number; reason: string };

/** Walks the chain from the first row and reports the first row whose link or content does not check out. */
export function verifyAuditChain(db: Db): ChainReport {
  let prev = GENESIS_HASH;
  let rows = 0;
  for (const row of allAuditRowsInOrder(db)) {
    rows++;
    if (row.prevHash !== prev) return { ok: false, rows, brokenAtSeq: row.seq, reason: 'prev_hash does not match the previous row' };
    if (row.hash !== chainHash(prev, row)) return { ok: false, rows, brokenAtSeq: row.seq, reason: 'content does not match its hash' };
    prev = row.hash;
  }
  return { ok: true, rows };
}

export async function listAuditEvents(ctx: ServiceContext, query: AuditQuery): Promise<{ items: AuditRow[]; nextCursor: string | null }> {
  authorize(ctx, 'audit.read');
  const cursor = decodeCursor(query.cursor, 1);
  if (cursor && !Number.isSafeInteger(cursor[0])) throw badCursor();
  return inTransaction(ctx, (tx) => {
    const filter = { patientId: query.patientId, actorId: query.actorId, from: query.from, to: query.to, beforeSeq: cursor ? Number(cursor[0]) : undefined };
    const rows = findAuditRows(tx, filter, query.limit + 1);
    audit(tx, ctx, { action: 'audit.read', entityType: 'audit', patientId: query.patientId ?? null, detail: { filter: { ...filter, patientId: undefined } } });
    return pageOf(rows, query.limit, (row) => [row.seq]);
  });
}
