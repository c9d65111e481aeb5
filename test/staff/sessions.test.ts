import { describe, expect, it } from 'vitest';
import { LoginReply, StaffUser } from '../../src/modules/staff/staff.schemas.js';
import { TEST_PASSWORD, useTestHospital } from '../helpers/app.js';

const h = await useTestHospital();
const firstAdmin = await h.signIn('admin');
const MINUTE = 60 * 1000;

function login(username: string, password: string, ip = '127.0.0.1') {
  return h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress: ip });
}

function me(headers: Record<string, string>) {
  return h.app.inject({ method: 'GET', url: '/api/auth/me', headers });
}

describe('signing in', () => {
  it('returns a token valid for 12 hours and the staff member, and sets an HttpOnly session cookie', async () => {
    const nurse = await h.signIn('nurse', { username: 'nurse.wang' });
    const reply = await login('nurse.wang', TEST_PASSWORD);
    expect(reply.statusCode, reply.body).toBe(200);
    const session = LoginReply.parse(reply.json());
    expect(session.expiresAt).toBe(new Date(h.clock.now().getTime() + 12 * 60 * MINUTE).toISOString());
    expect(session.user).toMatchObject({ id: nurse.id, username: 'nurse.wang', role: 'nurse' });
    const cookie = reply.cookies.find((c) => c.name === 'hcrm_session');
    expect(cookie).toMatchObject({ value: session.token, httpOnly: true, sameSite: 'Strict', path: '/' });

    const stored = h.db.$client.prepare('SELECT token_hash FROM staff_sessions WHERE staff_id = ?').all(nurse.id) as { token_hash: string }[];
    expect(stored.length).toBeGreaterThan(0);
    expect(JSON.stringify(stored)).not.toContain(session.token);
  });

  it('stores passwords as argon2id hashes', async () => {
    const doctor = await h.signIn('doctor');
    const row = h.db.$client.prepare('SELECT password_hash FROM staff WHERE id = ?').get(doctor.id) as { password_hash: string };
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(row.password_hash).not.toContain(TEST_PASSWORD);
  });

  it('accepts the username in any letter case', async () => {
    await h.signIn('agent', { username: 'Agent.Li' });
    expect((await login('agent.li', TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('answers a wrong password and an unknown user alike, without saying which', async () => {
    await h.signIn('agent', { username: 'agent.zhou' });
    const wrong = await login('agent.zhou', 'not the password', '10.1.0.1');
    const unknown = await login('nobody.here', 'not the password', '10.1.0.1');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(wrong.json()).toMatchObject({ code: 'auth.invalid_credentials' });
    expect(unknown.json().detail).toBe(wrong.json().detail);
  });

  it('accepts the token as a Bearer header and as the session cookie', async () => {
    const doctor = await h.signIn('doctor', { username: 'doctor.chen' });
    const byBearer = await me(doctor.headers);
    expect(byBearer.statusCode).toBe(200);
    expect(StaffUser.parse(byBearer.json())).toMatchObject({ id: doctor.id, username: 'doctor.chen' });
    const byCookie = await me({ cookie: `hcrm_session=${doctor.token}` });
    expect(byCookie.statusCode).toBe(200);
  });

  it('refuses an unknown or malformed token with 401', async () => {
    const attempts: Record<string, string>[] = [{ authorization: 'Bearer not-a-token' }, { authorization: 'Basic dXNlcjpwYXNz' }, { cookie: 'hcrm_session=forged' }, { authorization: `Bearer ${'a'.repeat(500)}` }];
    for (const headers of attempts) {
      const reply = await me(headers);
      expect(reply.statusCode).toBe(401);
      expect(reply.json()).toMatchObject({ code: 'auth.required' });
    }
  });
});

describe('ending a session', () => {
  it('revokes the token on logout and clears the cookie', async () => {
    const agent = await h.signIn('agent');
    const reply = await h.app.inject({ method: 'POST', url: '/api/auth/logout', headers: agent.headers });
    expect(reply.statusCode).toBe(204);
    expect(reply.cookies.find((c) => c.name === 'hcrm_session')?.value).toBe('');
    expect((await me(agent.headers)).statusCode).toBe(401);
    expect((await me({ cookie: `hcrm_session=${agent.token}` })).statusCode).toBe(401);
    const row = h.db.$client.prepare('SELECT revoked_at FROM staff_sessions WHERE staff_id = ?').get(agent.id);
    expect(row).toEqual({ revoked_at: h.clock.now().toISOString() });
  });

  it('ends a session left idle for 30 minutes', async () => {
    const nurse = await h.signIn('nurse');
    h.clock.advance(29 * MINUTE);
    expect((await me(nurse.headers)).statusCode).toBe(200);
    h.clock.advance(29 * MINUTE);
    expect((await me(nurse.headers)).statusCode).toBe(200);
    h.clock.advance(30 * MINUTE);
    const idle = await me(nurse.headers);
    expect(idle.statusCode).toBe(401);
    expect(idle.json().detail).toMatch(/session has ended/);
  });

  it('ends a session 12 hours after sign-in however busy it was', async () => {
    const doctor = await h.signIn('doctor');
    for (let elapsed = 0; elapsed < 12 * 60 - 20; elapsed += 20) {
      h.clock.advance(20 * MINUTE);
      expect((await me(doctor.headers)).statusCode, `after ${elapsed + 20} minutes`).toBe(200);
    }
    h.clock.advance(20 * MINUTE);
    expect((await me(doctor.headers)).statusCode).toBe(401);
  });
});

describe('lock-out after wrong passwords', () => {
  it('locks the account after 5 wrong passwords and then refuses even the right one', async () => {
    const ip = '10.2.0.1';
    const agent = await h.signIn('agent', { username: 'agent.locked' });
    for (let i = 0; i < 5; i++) expect((await login('agent.locked', `wrong password ${i}`, ip)).statusCode).toBe(401);
    const refused = await login('agent.locked', TEST_PASSWORD, ip);
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ code: 'auth.invalid_credentials' });
    const row = h.db.$client.prepare('SELECT locked_until FROM staff WHERE id = ?').get(agent.id) as { locked_until: string | null };
    expect(row.locked_until).toBe(new Date(h.clock.now().getTime() + 15 * MINUTE).toISOString());
    const actions = h.db.$client.prepare("SELECT action FROM audit_log WHERE entity_id = ? AND action LIKE 'staff.%' ORDER BY seq").all(agent.id);
    expect(actions).toContainEqual({ action: 'staff.locked' });
  });

  it('lets the staff member in again once the lock has run out', async () => {
    await h.signIn('nurse', { username: 'nurse.locked' });
    for (let i = 0; i < 5; i++) await login('nurse.locked', `wrong password ${i}`, '10.2.0.2');
    expect((await login('nurse.locked', TEST_PASSWORD, '10.2.0.2')).statusCode).toBe(401);
    h.clock.advance(16 * MINUTE);
    expect((await login('nurse.locked', TEST_PASSWORD, '10.2.0.2')).statusCode).toBe(200);
  });

  it('lets an admin unlock the account at once', async () => {
    const admin = await h.signIn('admin');
    const doctor = await h.signIn('doctor', { username: 'doctor.locked' });
    for (let i = 0; i < 5; i++) await login('doctor.locked', `wrong password ${i}`, '10.2.0.3');
    const locked = StaffUser.parse((await h.app.inject({ method: 'GET', url: `/api/staff/${doctor.id}`, headers: admin.headers })).json());
    expect(locked.lockedUntil).not.toBeNull();

    const unlock = await h.app.inject({ method: 'PATCH', url: `/api/staff/${doctor.id}`, headers: admin.headers, payload: { version: locked.version, unlock: true } });
    expect(unlock.statusCode, unlock.body).toBe(200);
    expect(unlock.json()).toMatchObject({ lockedUntil: null });
    expect((await login('doctor.locked', TEST_PASSWORD, '10.2.0.3')).statusCode).toBe(200);
  });

  it('starts counting afresh after a successful sign-in', async () => {
    await h.signIn('agent', { username: 'agent.forgetful' });
    for (let i = 0; i < 4; i++) await login('agent.forgetful', `wrong password ${i}`, '10.2.0.4');
    expect((await login('agent.forgetful', TEST_PASSWORD, '10.2.0.4')).statusCode).toBe(200);
    for (let i = 0; i < 4; i++) await login('agent.forgetful', `wrong password ${i}`, '10.2.0.4');
    expect((await login('agent.forgetful', TEST_PASSWORD, '10.2.0.4')).statusCode).toBe(200);
  });
});

describe('throttling sign-ins per address', () => {
  it('answers 429 with retry-after once an address has failed 20 times in 15 minutes, and only that address', async () => {
    const ip = '10.3.0.1';
    for (let i = 0; i < 20; i++) expect((await login(`guess${i}`, 'password123', ip)).statusCode).toBe(401);
    const throttled = await login(firstAdmin.username, TEST_PASSWORD, ip);
    expect(throttled.statusCode).toBe(429);
    expect(throttled.headers['retry-after']).toBe('900');
    expect(throttled.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(throttled.json()).toMatchObject({ status: 429, code: 'auth.throttled' });

    expect((await login(firstAdmin.username, TEST_PASSWORD, '10.3.0.2')).statusCode).toBe(200);
    h.clock.advance(16 * MINUTE);
    expect((await login(firstAdmin.username, TEST_PASSWORD, ip)).statusCode).toBe(200);
  });
});

describe('the session of a changed account', () => {
  it('refuses sign-in and ends the sessions of a deactivated staff member', async () => {
    const admin = await h.signIn('admin');
    const agent = await h.signIn('agent', { username: 'agent.leaving' });
    const current = StaffUser.parse((await h.app.inject({ method: 'GET', url: `/api/staff/${agent.id}`, headers: admin.headers })).json());
    const off = await h.app.inject({ method: 'PATCH', url: `/api/staff/${agent.id}`, headers: admin.headers, payload: { version: current.version, active: false } });
    expect(off.statusCode, off.body).toBe(200);
    expect((await me(agent.headers)).statusCode).toBe(401);
    expect((await login('agent.leaving', TEST_PASSWORD)).statusCode).toBe(401);
  });
});
