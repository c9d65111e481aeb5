import { describe, expect, it } from 'vitest';
import { ensureBootstrapAdmin } from '../../src/modules/staff/staff.service.js';
import { useTestHospital } from '../helpers/app.js';

const h = await useTestHospital();
const adminCount = () => (h.db.$client.prepare("SELECT count(*) AS n FROM staff WHERE role = 'admin' AND active = 1").get() as { n: number }).n;

describe('the first admin from configuration', () => {
  it('refuses an admin username already used by a staff member who is not an admin', async () => {
    await h.signIn('doctor', { username: 'taken.name' });
    await expect(ensureBootstrapAdmin(h.system(), { username: 'taken.name', password: 'first admin password' })).rejects.toMatchObject({ code: 'staff.username_taken' });
    expect(adminCount()).toBe(0);
  });

  it('creates the admin named in HCRM_ADMIN_USERNAME when there is none, who can then sign in', async () => {
    expect(await ensureBootstrapAdmin(h.system(), { username: 'root', password: 'first admin password' })).toBe(true);
    expect(adminCount()).toBe(1);
    const reply = await h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'root', password: 'first admin password' } });
    expect(reply.statusCode, reply.body).toBe(200);
    expect(reply.json().user).toMatchObject({ username: 'root', role: 'admin' });
    const audit = h.db.$client.prepare("SELECT actor_kind, reason FROM audit_log WHERE action = 'staff.create'").all();
    expect(audit).toContainEqual({ actor_kind: 'system', reason: 'bootstrap admin from configuration' });
  });

  it('does nothing on later starts, once an admin exists', async () => {
    expect(await ensureBootstrapAdmin(h.system(), { username: 'root', password: 'another password here' })).toBe(false);
    expect(await ensureBootstrapAdmin(h.system(), { username: 'someone.else', password: 'another password here' })).toBe(false);
    expect(adminCount()).toBe(1);
    const oldPassword = await h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'root', password: 'first admin password' } });
    expect(oldPassword.statusCode).toBe(200);
  });
});
