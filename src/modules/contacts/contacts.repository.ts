import { and, asc, desc, eq, gte, inArray, isNull, lt, lte, or } from 'drizzle-orm';
import { statement, type Tx } from '../../../db/client.js';
import { callRecordings, contacts, invalidContactPoints } from '../../../db/schema/index.js';

export type ContactRow = typeof contacts.$inferSelect;
export type RecordingRow = typeof callRecordings.$inferSelect;

export function insertContact(tx: Tx, row: typeof contacts.$inferInsert): void {
  tx.insert(contacts).values(row).run();
}

export function findContact(tx: Tx, id: string): ContactRow | undefined {
  return tx.select().from(contacts).where(eq(contacts.id, id)).get();
}

export function setReview(tx: Tx, id: string, changes: Pick<ContactRow, 'qualityScore' | 'qualityNote' | 'reviewedBy' | 'reviewedAt'>): void {
  tx.update(contacts).set(changes).where(eq(contacts.id, id)).run();
}

export function callsOutSince(tx: Tx, patientId: string, since: string): number {
  return (statement(tx, "SELECT count(*) AS n FROM contacts WHERE patient_id = ? AND kind = 'call_out' AND at >= ?").get(patientId, since) as { n: number }).n;
}

/** By patient, staff member or period, newest first; each filter has its index. */
export interface ContactFilter {
  patientId?: string | undefined;
  staffId?: string | undefined;
  /** Only contacts made by these staff members (a manager's department). */
  staffIn?: readonly string[] | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export function searchContacts(tx: Tx, f: ContactFilter, before: [string, string] | undefined, limit: number): ContactRow[] {
  const where = [];
  if (f.patientId) where.push(eq(contacts.patientId, f.patientId));
  if (f.staffId) where.push(eq(contacts.staffId, f.staffId));
  if (f.staffIn) where.push(inArray(contacts.staffId, [...f.staffIn]));
  if (f.from) where.push(gte(contacts.at, f.from));
  if (f.to) where.push(lte(contacts.at, f.to));
  if (before) where.push(or(lt(contacts.at, before[0]), and(eq(contacts.at, before[0]), lt(contacts.id, before[1])))!);
  return tx.select().from(contacts).where(and(...where)).orderBy(desc(contacts.at), desc(contacts.id)).limit(limit).all();
}

export function flagInvalid(tx: Tx, row: typeof invalidContactPoints.$inferInsert): void {
  tx.insert(invalidContactPoints).values(row).onConflictDoNothing().run();
}

export function invalidPointsOf(tx: Tx, patientId: string): string[] {
  return (statement(tx, 'SELECT address FROM invalid_contact_points WHERE patient_id = ?').all(patientId) as { address: string }[]).map((r) => r.address);
}

export function insertRecording(tx: Tx, row: typeof callRecordings.$inferInsert): void {
  tx.insert(callRecordings).values(row).run();
}

export function findRecording(tx: Tx, id: string): RecordingRow | undefined {
  return tx.select().from(callRecordings).where(eq(callRecordings.id, id)).get();
}

export function recordingsOf(tx: Tx, contactIds: string[]): RecordingRow[] {
  if (contactIds.length === 0) return [];
  return tx.select().from(callRecordings).where(and(inArray(callRecordings.contactId, contactIds), isNull(callRecordings.deletedAt))).orderBy(asc(callRecordings.uploadedAt)).all();
}

export function expiredRecordings(tx: Tx, now: string, limit: number): RecordingRow[] {
  return tx.select().from(callRecordings).where(and(isNull(callRecordings.deletedAt), lte(callRecordings.retainUntil, now))).limit(limit).all();
}

export function markRecordingDeleted(tx: Tx, id: string, at: string): void {
  tx.update(callRecordings).set({ deletedAt: at }).where(eq(callRecordings.id, id)).run();
}

export type ContactRef = Pick<ContactRow, 'id' | 'kind' | 'at' | 'outcome' | 'summary'>;

/** On every caller lookup: one cached statement. */
export function lastContactsOf(tx: Tx, patientId: string, limit: number): ContactRef[] {
  return statement(tx, 'SELECT id, kind, at, outcome, summary FROM contacts WHERE patient_id = ? ORDER BY at DESC, id DESC LIMIT ?').all(patientId, limit) as ContactRef[];
}

