import { describe, expect, it } from 'vitest';
import { StaffUser } from '../../src/modules/staff/staff.schemas.js';
import { useTestHospital } from '../helpers/app.js';

// Sessions are kept in memory for a second of the clock (SESSION_POLICY.cacheMs); nothing here moves the clock
// unless it says so, so every request below is served while the session is still cached.
const h = await useTestHospital();

function me(headers: Record<string, string>) {
  return h.app.inject({ method: 'GET', url: '/api/auth/me', headers });
}

async function changeStaff(id: string, changes: Record<string, unknown>) {
  const admin = await h.signIn('admin');
  const current = StaffUser.parse((await h.app.inject({ method: 'GET', url: `/api/staff/${id}`, headers: admin.headers })).json());
  const reply = await h.app.inject({ method: 'PATCH', url: `/api/staff/${id}`, headers: admin.headers, payload: { version: current.version, ...changes } });
  expect(reply.statusCode, reply.body).toBe(200);
}

describe('a session served from memory', () => {
  it('is refused at once after logout, in the same instant it was last used', async () => {
    const agent = await h.signIn('agent');
    expect((await me(agent.headers)).statusCode).toBe(200);
    expect((await h.app.inject({ method: 'POST', url: '/api/auth/logout', headers: agent.headers })).statusCode).toBe(204);
    expect((await me(agent.headers)).statusCode).toBe(401);
  });

  it('is refused at once when its staff member is deactivated or changes role', async () => {
    const leaving = await h.signIn('agent');
    const promoted = await h.signIn('nurse');
    expect((await me(leaving.headers)).statusCode).toBe(200);
    expect((await me(promoted.headers)).json()).toMatchObject({ role: 'nurse' });

    await changeStaff(leaving.id, { active: false });
    await changeStaff(promoted.id, { role: 'doctor' });
    expect((await me(leaving.headers)).statusCode).toBe(401);
    // A role change ends the session rather than letting the old role act for another second.
    expect((await me(promoted.headers)).statusCode).toBe(401);
  });

  it('is refused once a second has passed when another process revoked it behind the service', async () => {
    const doctor = await h.signIn('doctor');
    expect((await me(doctor.headers)).statusCode).toBe(200);
    h.db.$client.prepare('UPDATE staff_sessions SET revoked_at = ? WHERE staff_id = ?').run(h.clock.now().toISOString(), doctor.id);
    // Still the copy read a moment ago: what the cache trades for a database read per request, bounded to a second.
    expect((await me(doctor.headers)).statusCode).toBe(200);
    h.clock.advance(1000);
    expect((await me(doctor.headers)).statusCode).toBe(401);
  });

  it('never answers for a token it has not seen in the database', async () => {
    const nurse = await h.signIn('nurse');
    expect((await me(nurse.headers)).statusCode).toBe(200);
    const forged = { authorization: `Bearer ${nurse.token.slice(0, -1)}${nurse.token.endsWith('A') ? 'B' : 'A'}` };
    expect((await me(forged)).statusCode).toBe(401);
  });
});
