import { and, asc, count, eq, gt, gte, isNull, sql } from 'drizzle-orm';
import { prepared, statement, type Tx } from '../../../db/client.js';
import { departments, loginFailures, staff, staffSessions } from '../../../db/schema/staff.js';

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

export function findLiveSessionByTokenHash(tx: Tx, tokenHash: string): { session: SessionRow; staff: StaffRow } | undefined {
  // Every authenticated request asks this, so the query is prepared once per connection.
  return prepared(tx, 'staff.liveSession', (db) =>
    db
      .select({ session: staffSessions, staff })
      .from(staffSessions)
      .innerJoin(staff, eq(staff.id, staffSessions.staffId))
      .where(and(eq(staffSessions.tokenHash, sql.placeholder('tokenHash')), isNull(staffSessions.revokedAt)))
      .prepare(),
  ).get({ tokenHash });
}

export function touchSession(tx: Tx, id: string, at: string): void {
  tx.update(staffSessions).set({ lastSeenAt: at }).where(eq(staffSessions.id, id)).run();
}

export function revokeSession(tx: Tx, id: string, at: string): void {
  tx.update(staffSessions).set({ revokedAt: at }).where(and(eq(staffSessions.id, id), isNull(staffSessions.revokedAt))).run();
}

export function revokeSessionsOfStaff(tx: Tx, staffId: string, at: string): void {
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
