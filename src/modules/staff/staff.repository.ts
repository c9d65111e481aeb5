import { and, asc, count, eq, gt, gte, isNull, sql } from 'drizzle-orm';
import { prepared, statement, type Tx } from '../../../db/client.js';
import { departments, loginFailures, staff, staffSessions } from '../../../db/schema/staff.js';
import { sessionsChanged } from './session-cache.js';

export type StaffRow = typeof staff.$inferSelect;
export type DepartmentRow = typeof departments.$inferSelect;
export type SessionRow = typeof staffSessions.$inferSelect;

export function findStaffByUsername(tx: Tx, username: string): StaffRow | undefined {
  return tx.select().from(staff).where(eq(sql`lower(${staff.username})`, username.toLowerCase())).get();
}

export function findStaffById(tx: Tx, id: string): StaffRow | undefined {
  return prepared(tx, 'staff.byId', (db) => db.select().from(staff).where(eq(staff.id, sql.placeholder('id'))).prepare()).get({ id });
}

export function countActiveAdmins(tx: Tx): number {
  return tx.select({ n: count() }).from(staff).where(and(eq(staff.role, 'admin'), eq(staff.active, true))).get()?.n ?? 0;
}

export function listStaffRows(tx: Tx, afterId: string | undefined, limit: number): StaffRow[] {
  return tx
    .select()
    .from(staff)
    .where(afterId ? gt(staff.id, afterId) : undefined)
    .orderBy(asc(staff.id))
    .limit(limit)
    .all();
}

export function insertStaff(tx: Tx, row: typeof staff.$inferInsert): void {
  tx.insert(staff).values(row).run();
}

/** Optimistic update: touches the row only at the expected version; returns whether it did. */
export function updateStaffAtVersion(tx: Tx, id: string, version: number, changes: Partial<typeof staff.$inferInsert>): boolean {
  sessionsChanged();
  const result = tx
    .update(staff)
    .set({ ...changes, version: version + 1 })
    .where(and(eq(staff.id, id), eq(staff.version, version)))
    .run();
  return result.changes === 1;
}

export function setLoginState(tx: Tx, id: string, failedLogins: number, lockedUntil: string | null): void {
  tx.update(staff).set({ failedLogins, lockedUntil }).where(eq(staff.id, id)).run();
}

export function recordLoginFailure(tx: Tx, username: string, ip: string | null, at: string): void {
  tx.insert(loginFailures).values({ username: username.toLowerCase(), ip, at }).run();
}

export function countLoginFailuresFromIp(tx: Tx, ip: string, since: string): number {
  return tx.select({ n: count() }).from(loginFailures).where(and(eq(loginFailures.ip, ip), gte(loginFailures.at, since))).get()?.n ?? 0;
}

export function insertSession(tx: Tx, row: typeof staffSessions.$inferInsert): void {
  tx.insert(staffSessions).values(row).run();
}

/** What every authenticated request needs of its session and staff member. */
export interface LiveSession {
  sessionId: string;
  expiresAt: string;
  lastSeenAt: string;
  staffId: string;
  username: string;
  role: StaffRow['role'];
  departmentId: string | null;
  active: boolean;
}

export function findLiveSessionByTokenHash(tx: Tx, tokenHash: string): LiveSession | undefined {
  // Every authenticated request asks this: one prepared statement, only the columns an actor needs, no row mapping.
  const row = statement(
    tx,
    `SELECT s.id, s.expires_at, s.last_seen_at, t.id, t.username, t.role, t.department_id, t.active
       FROM staff_sessions s JOIN staff t ON t.id = s.staff_id
      WHERE s.token_hash = ? AND s.revoked_at IS NULL`,
  )
    .raw()
    .get(tokenHash) as [string, string, string, string, string, StaffRow['role'], string | null, number] | undefined;
  if (!row) return undefined;
  const [sessionId, expiresAt, lastSeenAt, staffId, username, role, departmentId, active] = row;
  return { sessionId, expiresAt, lastSeenAt, staffId, username, role, departmentId, active: active === 1 };
}

export function touchSession(tx: Tx, id: string, at: string): void {
  sessionsChanged();
  tx.update(staffSessions).set({ lastSeenAt: at }).where(eq(staffSessions.id, id)).run();
}

export function revokeSession(tx: Tx, id: string, at: string): void {
  sessionsChanged();
  tx.update(staffSessions).set({ revokedAt: at }).where(and(eq(staffSessions.id, id), isNull(staffSessions.revokedAt))).run();
}

export function revokeSessionsOfStaff(tx: Tx, staffId: string, at: string): void {
  sessionsChanged();
  tx.update(staffSessions).set({ revokedAt: at }).where(and(eq(staffSessions.staffId, staffId), isNull(staffSessions.revokedAt))).run();
}

export function listDepartmentRows(tx: Tx): DepartmentRow[] {
  return tx.select().from(departments).orderBy(asc(departments.code)).all();
}

export function findDepartmentById(tx: Tx, id: string): DepartmentRow | undefined {
  return tx.select().from(departments).where(eq(departments.id, id)).get();
}

/** Checked for every encounter an import writes, so it skips drizzle's query building. */
export function departmentIdExists(tx: Tx, id: string): boolean {
  return statement(tx, 'SELECT 1 FROM departments WHERE id = ?').get(id) !== undefined;
}

export function findDepartmentByCode(tx: Tx, code: string): DepartmentRow | undefined {
  return tx.select().from(departments).where(eq(departments.code, code)).get();
}

export function insertDepartment(tx: Tx, row: typeof departments.$inferInsert): void {
  tx.insert(departments).values(row).run();
}

export function activeStaffOfDepartment(tx: Tx, departmentId: string): { id: string; displayName: string; role: string }[] {
  return tx
    .select({ id: staff.id, displayName: staff.displayName, role: staff.role })
    .from(staff)
    .where(and(eq(staff.departmentId, departmentId), eq(staff.active, true)))
    .orderBy(asc(staff.id))
    .all();
}
