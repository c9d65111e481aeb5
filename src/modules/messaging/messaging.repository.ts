import { and, asc, desc, eq, gte, lt, or, type SQL } from 'drizzle-orm';
import { statement, type Tx } from '../../../db/client.js';
import { inboundMessages, messages, messageSenders } from '../../../db/schema/messaging.js';

export type MessageRow = typeof messages.$inferSelect;
export type NewMessageRow = typeof messages.$inferInsert;
export type InboundRow = typeof inboundMessages.$inferSelect;

const MESSAGE_COLUMNS = `id, dedupe_key AS dedupeKey, patient_id AS patientId, purpose, category, channel, template, locale, recipient,
  subject_line AS subjectLine, body, segments, about_type AS aboutType, about_id AS aboutId, urgent, status, scheduled_at AS scheduledAt,
  due_at AS dueAt, attempts, lease_until AS leaseUntil, lease_owner AS leaseOwner, provider, provider_id AS providerId,
  error_code AS errorCode, error, created_at AS createdAt, updated_at AS updatedAt, sent_at AS sentAt, delivered_at AS deliveredAt`;

function fromSql(row: Record<string, unknown> | undefined): MessageRow | undefined {
  return row ? ({ ...row, urgent: row['urgent'] === 1 } as MessageRow) : undefined;
}

export function findMessage(tx: Tx, id: string): MessageRow | undefined {
  return fromSql(statement(tx, `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = ?`).get(id) as Record<string, unknown> | undefined);
}

export function findByDedupeKey(tx: Tx, key: string): { id: string; status: string } | undefined {
  return statement(tx, 'SELECT id, status FROM messages WHERE dedupe_key = ?').get(key) as { id: string; status: string } | undefined;
}

export function findByProviderId(tx: Tx, providerId: string): MessageRow | undefined {
  return fromSql(statement(tx, `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE provider_id = ?`).get(providerId) as Record<string, unknown> | undefined);
}

/** Enqueue is on every workflow's write path (and a campaign's 100,000 rows), so it is one cached statement. */
export function insertMessage(tx: Tx, row: Required<Omit<NewMessageRow, 'leaseUntil' | 'leaseOwner' | 'provider' | 'providerId' | 'sentAt' | 'deliveredAt'>>): void {
  statement(
    tx,
    `INSERT INTO messages (id, dedupe_key, patient_id, purpose, category, channel, template, locale, recipient, subject_line, body, segments,
       about_type, about_id, urgent, status, scheduled_at, due_at, attempts, error_code, error, created_at, updated_at)
     VALUES (@id, @dedupeKey, @patientId, @purpose, @category, @channel, @template, @locale, @recipient, @subjectLine, @body, @segments,
       @aboutType, @aboutId, @urgent, @status, @scheduledAt, @dueAt, @attempts, @errorCode, @error, @createdAt, @updatedAt)`,
  ).run({ ...row, urgent: row.urgent ? 1 : 0 });
}

/**
 * Rows the dispatcher may take now: queued and due, or `sending` under a lease that ran out (its process died).
 * In quiet hours only urgent ones. Oldest due first, so a backlog drains in order.
 */
export function dueMessages(tx: Tx, nowIso: string, urgentOnly: boolean, limit: number): MessageRow[] {
  const urgent = urgentOnly ? 'AND urgent = 1' : '';
  const rows = statement(
    tx,
    `SELECT ${MESSAGE_COLUMNS} FROM (
       SELECT * FROM (SELECT * FROM messages WHERE status = 'sending' AND due_at <= @now AND lease_until <= @now ${urgent} ORDER BY due_at LIMIT @limit)
       UNION ALL
       SELECT * FROM (SELECT * FROM messages WHERE status = 'queued' AND due_at <= @now ${urgent} ORDER BY due_at LIMIT @limit)
     ) ORDER BY due_at LIMIT @limit`,
  ).all({ now: nowIso, limit }) as Record<string, unknown>[];
  return rows.map((r) => fromSql(r)!);
}

export function earliestDue(tx: Tx): string | null {
  const row = statement(tx, "SELECT min(due_at) AS at FROM messages WHERE status = 'queued'").get() as { at: string | null };
  return row.at;
}

export function claim(tx: Tx, id: string, owner: string, leaseUntil: string, nowIso: string): void {
  statement(tx, "UPDATE messages SET status = 'sending', attempts = attempts + 1, lease_owner = ?, lease_until = ?, updated_at = ? WHERE id = ?").run(owner, leaseUntil, nowIso, id);
}

/** Accepted by the provider. A status callback may have moved the row on already; it is never moved back. */
export function markAccepted(tx: Tx, id: string, r: { status: 'sent' | 'held'; provider: string; providerId: string; nowIso: string }): void {
  statement(
    tx,
    `UPDATE messages SET status = CASE WHEN status = 'sending' THEN @status ELSE status END, provider = @provider,
       provider_id = coalesce(provider_id, @providerId), sent_at = coalesce(sent_at, @now), lease_owner = NULL, lease_until = NULL,
       error_code = NULL, error = NULL, updated_at = @now WHERE id = @id`,
  ).run({ id, status: r.status, provider: r.provider, providerId: r.providerId, now: r.nowIso });
}

export function markRetry(tx: Tx, id: string, owner: string, r: { dueAt: string; code: string; reason: string; nowIso: string }): void {
  statement(
    tx,
    `UPDATE messages SET status = 'queued', due_at = ?, error_code = ?, error = ?, lease_owner = NULL, lease_until = NULL, updated_at = ?
     WHERE id = ? AND status = 'sending' AND lease_owner = ?`,
  ).run(r.dueAt, r.code, r.reason, r.nowIso, id, owner);
}

export function markFailed(tx: Tx, id: string, r: { code: string; reason: string; nowIso: string }): void {
  statement(
    tx,
    "UPDATE messages SET status = 'failed', error_code = ?, error = ?, lease_owner = NULL, lease_until = NULL, updated_at = ? WHERE id = ? AND status IN ('sending', 'queued')",
  ).run(r.code, r.reason, r.nowIso, id);
}

export function cancelOne(tx: Tx, id: string, reason: string, nowIso: string): boolean {
  return statement(tx, "UPDATE messages SET status = 'cancelled', error = ?, lease_owner = NULL, lease_until = NULL, updated_at = ? WHERE id = ? AND status IN ('queued', 'sending')")
    .run(reason, nowIso, id).changes === 1;
}

export function cancelQueued(
  tx: Tx,
  filter: { aboutType?: string | undefined; aboutId?: string | undefined; patientId?: string | undefined; channel?: string | undefined; category?: 'care' | 'marketing' },
  reason: string,
  nowIso: string,
): number {
  const where: SQL[] = [eq(messages.status, 'queued')];
  if (filter.aboutType !== undefined) where.push(eq(messages.aboutType, filter.aboutType));
  if (filter.aboutId !== undefined) where.push(eq(messages.aboutId, filter.aboutId));
  if (filter.patientId !== undefined) where.push(eq(messages.patientId, filter.patientId));
  if (filter.channel !== undefined) where.push(eq(messages.channel, filter.channel as 'sms' | 'email'));
  if (filter.category !== undefined) where.push(eq(messages.category, filter.category));
  return tx.update(messages).set({ status: 'cancelled', error: reason, updatedAt: nowIso }).where(and(...where)).run().changes;
}

/** Provider status callbacks: forward only (sent → delivered/undelivered/failed), never back to sent. */
export function applyDeliveryStatus(tx: Tx, id: string, r: { status: 'sent' | 'delivered' | 'undelivered' | 'failed'; providerId: string; code: string | null; nowIso: string }): boolean {
  const from = r.status === 'sent' ? "('sending', 'queued')" : "('sending', 'queued', 'sent')";
  return (
    statement(
      tx,
      `UPDATE messages SET status = @status, provider_id = coalesce(provider_id, @providerId), provider = coalesce(provider, 'twilio'),
         sent_at = coalesce(sent_at, @now), delivered_at = CASE WHEN @status = 'delivered' THEN @now ELSE delivered_at END,
         error_code = CASE WHEN @code IS NULL THEN error_code ELSE @code END, lease_owner = NULL, lease_until = NULL, updated_at = @now
       WHERE id = @id AND status IN ${from}`,
    ).run({ id, status: r.status, providerId: r.providerId, code: r.code, now: r.nowIso }).changes === 1
  );
}

export function marketingSentSince(tx: Tx, patientId: string, sinceIso: string): number {
  const row = statement(
    tx,
    `SELECT count(*) AS n FROM messages WHERE patient_id = ? AND category = 'marketing' AND status IN ('sending', 'sent', 'delivered', 'held')
       AND coalesce(sent_at, updated_at) >= ?`,
  ).get(patientId, sinceIso) as { n: number };
  return row.n;
}

export interface MessageFilter {
  status?: string | undefined;
  channel?: string | undefined;
  purpose?: string | undefined;
  patientId?: string | undefined;
}

export function listMessages(tx: Tx, f: MessageFilter, before: [string, string] | undefined, limit: number): MessageRow[] {
  const where: (SQL | undefined)[] = [];
  if (f.status) where.push(eq(messages.status, f.status as MessageRow['status']));
  if (f.channel) where.push(eq(messages.channel, f.channel as MessageRow['channel']));
  if (f.purpose) where.push(eq(messages.purpose, f.purpose));
  if (f.patientId) where.push(eq(messages.patientId, f.patientId));
  if (before) where.push(or(lt(messages.createdAt, before[0]), and(eq(messages.createdAt, before[0]), lt(messages.id, before[1]))));
  return tx.select().from(messages).where(and(...where)).orderBy(desc(messages.createdAt), desc(messages.id)).limit(limit).all();
}

export function messagesOfPatient(tx: Tx, patientId: string, before: [string, string] | undefined, limit: number): MessageRow[] {
  return listMessages(tx, { patientId }, before, limit);
}

export function countByStatus(tx: Tx): Record<string, number> {
  const rows = statement(tx, 'SELECT status, count(*) AS n FROM messages GROUP BY status').all() as { status: string; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

// Rate limit buckets.

export function senderBucket(tx: Tx, sender: string): { tokens: number; refilledAt: string } | undefined {
  return tx.select({ tokens: messageSenders.tokens, refilledAt: messageSenders.refilledAt }).from(messageSenders).where(eq(messageSenders.sender, sender)).get();
}

export function saveSenderBucket(tx: Tx, sender: string, tokens: number, refilledAt: string): void {
  statement(tx, 'INSERT INTO message_senders (sender, tokens, refilled_at) VALUES (?, ?, ?) ON CONFLICT (sender) DO UPDATE SET tokens = excluded.tokens, refilled_at = excluded.refilled_at').run(
    sender,
    tokens,
    refilledAt,
  );
}

// Webhooks and inbound messages.

/** True the first time a token is seen; a retried callback gets false and changes nothing. */
export function rememberWebhookToken(tx: Tx, token: string, nowIso: string): boolean {
  return statement(tx, 'INSERT OR IGNORE INTO webhook_receipts (token, received_at) VALUES (?, ?)').run(token, nowIso).changes === 1;
}

export function findInboundByProviderId(tx: Tx, providerId: string): InboundRow | undefined {
  return tx.select().from(inboundMessages).where(eq(inboundMessages.providerId, providerId)).get();
}

export function insertInbound(tx: Tx, row: typeof inboundMessages.$inferInsert): void {
  tx.insert(inboundMessages).values(row).run();
}

export function findInbound(tx: Tx, id: string): InboundRow | undefined {
  return tx.select().from(inboundMessages).where(eq(inboundMessages.id, id)).get();
}

export function listInbound(tx: Tx, status: InboundRow['status'] | undefined, before: [string, string] | undefined, limit: number): InboundRow[] {
  const where: (SQL | undefined)[] = [status ? eq(inboundMessages.status, status) : undefined];
  if (before) where.push(or(lt(inboundMessages.receivedAt, before[0]), and(eq(inboundMessages.receivedAt, before[0]), lt(inboundMessages.id, before[1]))));
  return tx.select().from(inboundMessages).where(and(...where)).orderBy(desc(inboundMessages.receivedAt), desc(inboundMessages.id)).limit(limit).all();
}

export function resolveInbound(tx: Tx, id: string, r: { reviewedBy: string; reviewedAt: string; resolution: string }): boolean {
  return tx.update(inboundMessages).set({ status: 'reviewed', ...r }).where(and(eq(inboundMessages.id, id), eq(inboundMessages.status, 'needs_review'))).run().changes === 1;
}

/** Messages about one subject (a campaign) by status; cancellations for missing or withdrawn consent apart. */
export function countsAbout(tx: Tx, aboutType: string, aboutId: string): { status: string; optedOut: number; n: number }[] {
  return statement(
    tx,
    `SELECT status, (status = 'cancelled' AND (error_code = 'no_consent' OR error LIKE '%consent%')) AS optedOut, count(*) AS n
     FROM messages WHERE about_type = ? AND about_id = ? GROUP BY 1, 2`,
  ).all(aboutType, aboutId) as { status: string; optedOut: number; n: number }[];
}

/** Inbound SMS that were no keyword (questions, mostly), oldest first, for the call centre to take up. */
export function inboundOtherSince(tx: Tx, since: string, limit: number): InboundRow[] {
  return tx
    .select()
    .from(inboundMessages)
    .where(and(eq(inboundMessages.status, 'handled'), eq(inboundMessages.kind, 'other'), gte(inboundMessages.receivedAt, since)))
    .orderBy(asc(inboundMessages.receivedAt), asc(inboundMessages.id))
    .limit(limit)
    .all();
}
