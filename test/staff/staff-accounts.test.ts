import { describe, expect, it } from 'vitest';
import { Department, DepartmentList, StaffPage, StaffUser } from '../../src/modules/staff/staff.schemas.js';
import type { StaffSession } from '../helpers/app.js';
import { TEST_PASSWORD, useTestHospital } from '../helpers/app.js';

const h = await useTestHospital();
const admin = await h.signIn('admin', { username: 'admin.first' });
const cardiology = await h.department('CARD', '心内科');

async function createStaff(body: Record<string, unknown>, session: StaffSession = admin) {
  return h.app.inject({ method: 'POST', url: '/api/staff', headers: session.headers, payload: { displayName: '测试员工', password: 'a good long password', ...body } });
}

async function account(id: string): Promise<StaffUser> {
  const reply = await h.app.inject({ method: 'GET', url: `/api/staff/${id}`, headers: admin.headers });
  expect(reply.statusCode, reply.body).toBe(200);
  return StaffUser.parse(reply.json());
}

function patchStaff(id: string, body: Record<string, unknown>, session: StaffSession = admin) {
  return h.app.inject({ method: 'PATCH', url: `/api/staff/${id}`, headers: session.headers, payload: body });
}

function login(username: string, password: string) {
  return h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
}

describe('creating staff accounts', () => {
  it('lets an admin create an account that can then sign in', async () => {
    const reply = await createStaff({ username: 'doctor.liu', displayName: '刘医生', role: 'doctor', departmentId: cardiology });
    expect(reply.statusCode, reply.body).toBe(201);
    const created = StaffUser.parse(reply.json());
    expect(created).toMatchObject({ username: 'doctor.liu', displayName: '刘医生', role: 'doctor', departmentId: cardiology, active: true, lockedUntil: null, version: 1 });
    expect(reply.body).not.toContain('password');
    expect((await login('doctor.liu', 'a good long password')).statusCode).toBe(200);
    const audit = h.db.$client.prepare("SELECT actor_id, action FROM audit_log WHERE entity_id = ? AND action = 'staff.create'").get(created.id);
    expect(audit).toEqual({ actor_id: admin.id, action: 'staff.create' });
  });

  it('refuses a username that is taken, whatever its letter case', async () => {
    await createStaff({ username: 'nurse.he', role: 'nurse', departmentId: cardiology });
    const reply = await createStaff({ username: 'Nurse.He', role: 'nurse', departmentId: cardiology });
    expect(reply.statusCode).toBe(409);
    expect(reply.json()).toMatchObject({ code: 'staff.username_taken', errors: [expect.objectContaining({ field: 'username' })] });
  });

  it('refuses an unknown department, a short password and a bad username, naming the fields', async () => {
    const unknownDepartment = await createStaff({ username: 'doctor.x', role: 'doctor', departmentId: 'no-such-department' });
    expect(unknownDepartment.statusCode).toBe(400);
    expect(unknownDepartment.json().errors).toEqual([expect.objectContaining({ field: 'departmentId' })]);
    const weak = await createStaff({ username: 'doctor y', role: 'chief', password: 'short' });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().errors.map((e: { field: string }) => e.field).sort()).toEqual(['password', 'role', 'username']);
  });

  it('refuses staff management to everyone but admins', async () => {
    const manager = await h.signIn('manager');
    const reply = await createStaff({ username: 'agent.sneaky', role: 'admin' }, manager);
    expect(reply.statusCode).toBe(403);
    expect(reply.json()).toMatchObject({ code: 'auth.forbidden' });
    expect(h.db.$client.prepare("SELECT count(*) AS n FROM staff WHERE username = 'agent.sneaky'").get()).toEqual({ n: 0 });
  });
});

describe('reading staff accounts', () => {
  it('lists every account page by page', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/staff?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const reply = await h.app.inject({ method: 'GET', url, headers: admin.headers });
      expect(reply.statusCode, reply.body).toBe(200);
      const page = StaffPage.parse(reply.json());
      seen.push(...page.items.map((s) => s.id));
      cursor = page.nextCursor;
    } while (cursor);
    const all = h.db.$client.prepare('SELECT id FROM staff ORDER BY id').all() as { id: string }[];
    expect(seen).toEqual(all.map((r) => r.id));
  });

  it('shows a staff member their own account but not a colleague’s', async () => {
    const doctor = await h.signIn('doctor');
    const own = await h.app.inject({ method: 'GET', url: `/api/staff/${doctor.id}`, headers: doctor.headers });
    expect(own.statusCode).toBe(200);
    const colleague = await h.app.inject({ method: 'GET', url: `/api/staff/${admin.id}`, headers: doctor.headers });
    expect(colleague.statusCode).toBe(403);
  });

  it('answers 404 for an unknown staff id', async () => {
    const reply = await h.app.inject({ method: 'GET', url: '/api/staff/0190aaaa-0000-7000-8000-000000000000', headers: admin.headers });
    expect(reply.statusCode).toBe(404);
    expect(reply.json()).toMatchObject({ code: 'staff.not_found' });
  });
});

describe('changing staff accounts', () => {
  it('changes role and department with the version read, and refuses a stale version', async () => {
    const nurse = await h.signIn('nurse');
    const before = await account(nurse.id);
    const moved = await patchStaff(nurse.id, { version: before.version, role: 'manager', departmentId: cardiology, displayName: '护士长' });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({ role: 'manager', departmentId: cardiology, displayName: '护士长', version: before.version + 1 });
    const stale = await patchStaff(nurse.id, { version: before.version, displayName: '旧版本' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'staff.version_conflict' });
  });

  it('ends the sessions of a staff member whose password or role changes', async () => {
    const agent = await h.signIn('agent', { username: 'agent.pw' });
    const current = await account(agent.id);
    const changed = await patchStaff(agent.id, { version: current.version, password: 'a brand new password' });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.body).not.toContain('brand new');
    expect((await h.app.inject({ method: 'GET', url: '/api/auth/me', headers: agent.headers })).statusCode).toBe(401);
    expect((await login('agent.pw', TEST_PASSWORD)).statusCode).toBe(401);
    const fresh = await login('agent.pw', 'a brand new password');
    expect(fresh.statusCode).toBe(200);

    const token = (fresh.json() as { token: string }).token;
    await patchStaff(agent.id, { version: current.version + 1, role: 'nurse', departmentId: cardiology });
    expect((await h.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(401);
  });

  it('refuses to demote or deactivate the last active admin', async () => {
    const self = await account(admin.id);
    const demote = await patchStaff(admin.id, { version: self.version, role: 'doctor' });
    expect(demote.statusCode).toBe(409);
    expect(demote.json()).toMatchObject({ code: 'staff.last_admin' });
    expect((await account(admin.id)).role).toBe('admin');
  });

  it('lets an admin be demoted while another admin remains', async () => {
    const second = await h.signIn('admin', { username: 'admin.second' });
    const current = await account(second.id);
    const demote = await patchStaff(second.id, { version: current.version, role: 'manager', departmentId: cardiology });
    expect(demote.statusCode, demote.body).toBe(200);
    expect((await account(second.id)).role).toBe('manager');
    // The demoted admin's session was granted as an admin, so it ends with the change.
    expect((await h.app.inject({ method: 'GET', url: '/api/auth/me', headers: second.headers })).statusCode).toBe(401);
  });

  it('refuses an admin deactivating their own account', async () => {
    const other = await h.signIn('admin', { username: 'admin.third' });
    const self = await account(other.id);
    const reply = await patchStaff(other.id, { version: self.version, active: false }, other);
    expect(reply.statusCode).toBe(409);
    expect(reply.json()).toMatchObject({ code: 'staff.self_deactivation' });
  });

  it('answers 404 when changing an unknown staff id', async () => {
    const reply = await patchStaff('0190aaaa-0000-7000-8000-000000000000', { version: 1, displayName: 'x' });
    expect(reply.statusCode).toBe(404);
  });
});

describe('departments', () => {
  it('lists departments for every signed-in role and lets only admins add one', async () => {
    const agent = await h.signIn('agent');
    const list = await h.app.inject({ method: 'GET', url: '/api/departments', headers: agent.headers });
    expect(list.statusCode).toBe(200);
    expect(DepartmentList.parse(list.json()).items).toContainEqual(expect.objectContaining({ code: 'CARD', nameZh: '心内科' }));

    const created = await h.app.inject({ method: 'POST', url: '/api/departments', headers: admin.headers, payload: { code: 'ORTH', nameZh: '骨科', nameEn: 'Orthopaedics' } });
    expect(created.statusCode, created.body).toBe(201);
    expect(Department.parse(created.json())).toMatchObject({ code: 'ORTH', active: true });
    const duplicate = await h.app.inject({ method: 'POST', url: '/api/departments', headers: admin.headers, payload: { code: 'ORTH', nameZh: '骨科', nameEn: 'Orthopaedics' } });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json()).toMatchObject({ code: 'departments.code_taken' });
  });
});
