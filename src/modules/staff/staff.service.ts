import type { ServiceContext } from '../../lib/context.js';
import { Conflict, Invalid, NotFound } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { decodeCursor, pageOf } from '../../lib/pagination.js';
import { inTransaction } from '../../lib/transaction.js';
import { audit } from '../audit/audit.service.js';
import { hashPassword } from './passwords.js';
import { authorize } from './permissions.js';
import * as repo from './staff.repository.js';
import type { CreateDepartmentBody, CreateStaffBody, Department, StaffUser, UpdateStaffBody } from './staff.schemas.js';

export function toStaffUser(row: repo.StaffRow): StaffUser {
  return {
    id: row.id,
    username: row.username,
    displayName: row.displayName,
    email: row.email,
    role: row.role,
    departmentId: row.departmentId,
    active: row.active,
    lockedUntil: row.lockedUntil,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function toDepartment(row: repo.DepartmentRow): Department {
  return { id: row.id, code: row.code, nameZh: row.nameZh, nameEn: row.nameEn, active: row.active };
}

/** At start: creates the admin named in the configuration when no active admin exists yet. */
export async function ensureBootstrapAdmin(ctx: ServiceContext, admin: { username: string; password: string }): Promise<boolean> {
  const hash = await hashPassword(admin.password);
  return inTransaction(ctx, (tx) => {
    if (repo.countActiveAdmins(tx) > 0) return false;
    if (repo.findStaffByUsername(tx, admin.username)) {
      throw new Conflict('staff.username_taken', `HCRM_ADMIN_USERNAME "${admin.username}" belongs to an existing non-admin account.`);
    }
    const id = newId();
    const nowIso = ctx.now.toISOString();
    repo.insertStaff(tx, { id, username: admin.username, displayName: admin.username, role: 'admin', departmentId: null, passwordHash: hash, createdAt: nowIso, updatedAt: nowIso });
    audit(tx, ctx, { action: 'staff.create', entityType: 'staff', entityId: id, reason: 'bootstrap admin from configuration' });
    return true;
  });
}

/** `email` may be left out by callers that build accounts in code (seed, tests): no address, notices stay on the pages. */
export async function createStaff(ctx: ServiceContext, body: Omit<CreateStaffBody, 'email'> & { email?: string | null }): Promise<StaffUser> {
  authorize(ctx, 'staff.manage');
  const passwordHash = await hashPassword(body.password);
  return inTransaction(ctx, (tx) => {
    if (repo.findStaffByUsername(tx, body.username)) {
      throw new Conflict('staff.username_taken', `The username "${body.username}" is taken.`, [
        { field: 'username', code: 'taken', message: 'is already used by another account' },
      ]);
    }
    requireDepartment(tx, body.departmentId);
    const id = newId();
    const nowIso = ctx.now.toISOString();
    const row = { id, username: body.username, displayName: body.displayName, email: body.email ?? null, role: body.role, departmentId: body.departmentId, passwordHash, createdAt: nowIso, updatedAt: nowIso };
    repo.insertStaff(tx, row);
    audit(tx, ctx, { action: 'staff.create', entityType: 'staff', entityId: id, detail: { role: body.role, departmentId: body.departmentId } });
    return toStaffUser(repo.findStaffById(tx, id)!);
  });
}

export async function updateStaff(ctx: ServiceContext, id: string, body: UpdateStaffBody): Promise<StaffUser> {
  const admin = authorize(ctx, 'staff.manage');
  const passwordHash = body.password ? await hashPassword(body.password) : undefined;
  return inTransaction(ctx, (tx) => {
    const current = repo.findStaffById(tx, id);
    if (!current) throw new NotFound('staff.not_found', `No staff member with id ${id}.`);
    if (current.version !== body.version) {
      throw new Conflict('staff.version_conflict', `Someone changed this account since version ${body.version}; reload it (now version ${current.version}).`);
    }
    if (body.departmentId !== undefined) requireDepartment(tx, body.departmentId);
    const losesAdmin = current.role === 'admin' && current.active && (body.active === false || (body.role !== undefined && body.role !== 'admin'));
    if (losesAdmin && repo.countActiveAdmins(tx) <= 1) {
      throw new Conflict('staff.last_admin', 'This is the last active admin; make another admin first.');
    }
    if (id === admin.id && body.active === false) throw new Conflict('staff.self_deactivation', 'You cannot deactivate your own account.');
    const nowIso = ctx.now.toISOString();
    const changes = {
      ...(body.displayName !== undefined ? { displayName: body.displayName } : {}),
      ...(body.email !== undefined ? { email: body.email } : {}),
      ...(body.role !== undefined ? { role: body.role } : {}),
      ...(body.departmentId !== undefined ? { departmentId: body.departmentId } : {}),
      ...(body.active !== undefined ? { active: body.active } : {}),
      ...(passwordHash ? { passwordHash } : {}),
      ...(body.unlock ? { lockedUntil: null, failedLogins: 0 } : {}),
      updatedAt: nowIso,
    };
    if (!repo.updateStaffAtVersion(tx, id, body.version, changes)) {
      throw new Conflict('staff.version_conflict', 'Someone changed this account at the same moment; reload it.');
    }
    // A changed password, role or deactivation ends the sessions that were granted under the old terms.
    if (passwordHash || body.role !== undefined || body.active === false || body.departmentId !== undefined) repo.revokeSessionsOfStaff(tx, id, nowIso);
    const changed = Object.keys(body).filter((k) => k !== 'version' && k !== 'password');
    audit(tx, ctx, { action: 'staff.update', entityType: 'staff', entityId: id, detail: { changed, passwordChanged: Boolean(passwordHash) } });
    return toStaffUser(repo.findStaffById(tx, id)!);
  });
}

export async function listStaff(ctx: ServiceContext, query: { limit: number; cursor?: string | undefined }): Promise<{ items: StaffUser[]; nextCursor: string | null }> {
  authorize(ctx, 'staff.manage');
  const after = decodeCursor(query.cursor, 1)?.[0];
  const rows = repo.listStaffRows(ctx.db, after === undefined ? undefined : String(after), query.limit + 1);
  return pageOf(rows.map(toStaffUser), query.limit, (s) => [s.id]);
}

export async function getStaff(ctx: ServiceContext, id: string): Promise<StaffUser> {
  const actor = authorize(ctx, 'auth.session');
  if (actor.id !== id) authorize(ctx, 'staff.manage');
  const row = repo.findStaffById(ctx.db, id);
  if (!row) throw new NotFound('staff.not_found', `No staff member with id ${id}.`);
  return toStaffUser(row);
}

export async function listDepartments(ctx: ServiceContext): Promise<Department[]> {
  authorize(ctx, 'departments.read');
  return repo.listDepartmentRows(ctx.db).map(toDepartment);
}

export async function createDepartment(ctx: ServiceContext, body: CreateDepartmentBody): Promise<Department> {
  authorize(ctx, 'departments.manage');
  return inTransaction(ctx, (tx) => {
    if (repo.findDepartmentByCode(tx, body.code)) {
      throw new Conflict('departments.code_taken', `A department with code ${body.code} exists.`, [{ field: 'code', code: 'taken', message: 'is already used' }]);
    }
    const id = newId();
    repo.insertDepartment(tx, { id, ...body, createdAt: ctx.now.toISOString() });
    audit(tx, ctx, { action: 'department.create', entityType: 'department', entityId: id });
    return toDepartment(repo.findDepartmentById(tx, id)!);
  });
}

function requireDepartment(tx: Parameters<typeof repo.findDepartmentById>[0], departmentId: string | null): void {
  if (departmentId !== null && !repo.findDepartmentById(tx, departmentId)) {
    throw new Invalid('staff.unknown_department', `No department with id ${departmentId}.`, [
      { field: 'departmentId', code: 'unknown', message: 'is not a department of this hospital' },
    ]);
  }
}

/** For other modules that record a department on their rows (encounters, schedules). */
export function departmentExists(tx: Parameters<typeof repo.findDepartmentById>[0], departmentId: string): boolean {
  return repo.departmentIdExists(tx, departmentId);
}

/** A department's names (and whether it is still active), for messages and pages of other modules. */
export function departmentNames(tx: Parameters<typeof repo.findDepartmentById>[0], departmentId: string): { nameZh: string; nameEn: string; active: boolean } | undefined {
  const row = repo.findDepartmentById(tx, departmentId);
  return row ? { nameZh: row.nameZh, nameEn: row.nameEn, active: row.active } : undefined;
}

/** The department a feed names by its code (HIS department codes are HCRM's department codes). */
export function departmentIdByCode(tx: Parameters<typeof repo.findDepartmentByCode>[0], code: string): string | undefined {
  return repo.findDepartmentByCode(tx, code)?.id;
}

/** A department's code (what plans and feeds name departments by). */
export function departmentCodeOf(tx: Parameters<typeof repo.findDepartmentById>[0], departmentId: string): string | undefined {
  return repo.findDepartmentById(tx, departmentId)?.code;
}

/** Who a staff member is, for modules that assign work to them (follow-up tasks). */
export function staffRef(tx: Parameters<typeof repo.findStaffById>[0], staffId: string): { id: string; role: StaffUser['role']; departmentId: string | null; active: boolean } | undefined {
  const row = repo.findStaffById(tx, staffId);
  return row ? { id: row.id, role: row.role, departmentId: row.departmentId, active: row.active } : undefined;
}

/** Active staff of a department holding one of the roles (a department's managers, for feedback routing and escalation). */
export function staffOfDepartment(tx: Parameters<typeof repo.findDepartmentById>[0], departmentId: string, roles: readonly string[]): { id: string; displayName: string; role: string }[] {
  return repo.activeStaffOfDepartment(tx, departmentId).filter((s) => roles.includes(s.role));
}

/** A staff member other modules name (an assignee, a handover target), if active. */
export function activeStaffRef(tx: Parameters<typeof repo.findStaffById>[0], id: string): { id: string; displayName: string; role: string; departmentId: string | null } | undefined {
  const row = repo.findStaffById(tx, id);
  return row && row.active ? { id: row.id, displayName: row.displayName, role: row.role, departmentId: row.departmentId } : undefined;
}

/** Where a staff member's notices are e-mailed: their address while the account is active, else nothing. */
export function noticeAddressOf(tx: Parameters<typeof repo.findStaffById>[0], staffId: string): string | null {
  const row = repo.findStaffById(tx, staffId);
  return row && row.active ? row.email : null;
}
