import { describe, expect, it } from 'vitest';
import { Problem } from '../../src/lib/problem.js';
import { AuditPage } from '../../src/modules/audit/audit.schemas.js';
import { verifyAuditChain } from '../../src/modules/audit/audit.service.js';
import { PatientFile } from '../../src/modules/patients/patients.schemas.js';
import type { StaffSession } from '../helpers/app.js';
import { startTestHospital, useTestHospital } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';
import { FullDisk } from '../helpers/read-journal.js';

const h = await useTestHospital();
const cardiology = await h.department('CARD', '心内科');
const admin = await h.signIn('admin');
const agent = await h.signIn('agent');
const doctor = await h.signIn('doctor', { departmentId: cardiology });
const MINUTE = 60 * 1000;

interface AuditRow {
  seq: number;
  at: string;
  actor_kind: string;
  actor_id: string;
  actor_role: string | null;
  action: string;
  patient_id: string | null;
  entity_type: string;
  entity_id: string | null;
  ip: string | null;
  request_id: string;
  detail: string | null;
}

function auditRowsFor(requestId: string): AuditRow[] {
  return h.db.$client.prepare('SELECT * FROM audit_log WHERE request_id = ? ORDER BY seq').all(requestId) as AuditRow[];
}

async function act(session: StaffSession, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) {
  const reply = await h.app.inject({ method, url, headers: session.headers, remoteAddress: '192.0.2.10', ...(payload ? { payload } : {}) });
  expect(reply.statusCode, reply.body).toBeLessThan(300);
  // A read is answered once its row is in the read journal; the log has it a moment later.
  await h.deps.readAudit!.settled();
  return { reply, requestId: String(reply.headers['x-request-id']) };
}

async function openFile(): Promise<PatientFile> {
  const { reply } = await act(agent, 'POST', '/api/patients', aPatient({ identifiers: [] }));
  return PatientFile.parse(reply.json());
}

async function auditPage(query: string, session: StaffSession = admin) {
  const reply = await h.app.inject({ method: 'GET', url: `/api/audit${query}`, headers: session.headers });
  expect(reply.statusCode, reply.body).toBe(200);
  return AuditPage.parse(reply.json());
}

describe('what is recorded', () => {
  it('records who opened a patient file, as what, from where, when and in which request', async () => {
    const { reply, requestId } = await act(agent, 'POST', '/api/patients', aPatient({ identifiers: [] }));
    const patientId = PatientFile.parse(reply.json()).id;
    expect(auditRowsFor(requestId)).toEqual([
      expect.objectContaining({
        at: h.clock.now().toISOString(),
        actor_kind: 'staff',
        actor_id: agent.id,
        actor_role: 'agent',
        action: 'patient.create',
        patient_id: patientId,
        entity_type: 'patient',
        entity_id: patientId,
        ip: '192.0.2.10',
        request_id: requestId,
      }),
    ]);
  });

  it('records every read and change of patient data, one row per request', async () => {
    const patient = await openFile();
    const steps: [StaffSession, 'GET' | 'POST' | 'PATCH', string, object | undefined, string][] = [
      [agent, 'GET', `/api/patients/${patient.id}`, undefined, 'patient.read'],
      [agent, 'PATCH', `/api/patients/${patient.id}`, { version: 1, occupation: '退休' }, 'patient.update'],
      [doctor, 'POST', `/api/patients/${patient.id}/encounters`, { class: 'outpatient', departmentId: cardiology, startAt: '2026-11-20T01:00:00Z' }, 'encounter.create'],
      [doctor, 'POST', `/api/patients/${patient.id}/allergies`, { substance: '青霉素' }, 'allergy.create'],
      [doctor, 'GET', `/api/patients/${patient.id}/timeline`, undefined, 'patient.timeline.read'],
      [admin, 'POST', `/api/patients/${patient.id}/deactivate`, { version: 2, reason: '重复建档' }, 'patient.deactivate'],
      [admin, 'POST', `/api/patients/${patient.id}/reactivate`, { version: 3 }, 'patient.reactivate'],
    ];
    for (const [session, method, url, payload, action] of steps) {
      const { requestId } = await act(session, method, url, payload);
      expect(auditRowsFor(requestId), `${method} ${url}`).toEqual([expect.objectContaining({ action, patient_id: patient.id, actor_id: session.id })]);
    }
  });

  it('records searches with the patients returned but not what was typed', async () => {
    const patient = await openFile();
    const { requestId } = await act(agent, 'GET', `/api/patients?q=${encodeURIComponent('张三丰')}&limit=100`);
    const [row] = auditRowsFor(requestId);
    expect(row).toMatchObject({ action: 'patient.search', actor_id: agent.id });
    expect(JSON.parse(row?.detail ?? '{}').returned).toContain(patient.id);
    expect(row?.detail).not.toContain('张三丰');
  });

  it('names the changed fields of an update but never their new values', async () => {
    const patient = await openFile();
    const { requestId } = await act(agent, 'PATCH', `/api/patients/${patient.id}`, { version: 1, phone: '13655556666', email: 'new.address@example.cn' });
    const detail = auditRowsFor(requestId)[0]?.detail ?? '';
    expect(JSON.parse(detail)).toEqual({ changed: ['phone', 'email'] });
    expect(detail).not.toContain('13655556666');
    expect(detail).not.toContain('new.address');
  });

  it('uses the request id a caller sends in x-request-id', async () => {
    const patient = await openFile();
    const reply = await h.app.inject({ method: 'GET', url: `/api/patients/${patient.id}`, headers: { ...agent.headers, 'x-request-id': 'call-centre-req-0001' } });
    await h.deps.readAudit!.settled();
    expect(reply.headers['x-request-id']).toBe('call-centre-req-0001');
    expect(auditRowsFor('call-centre-req-0001')).toHaveLength(1);
  });

  it('records sign-ins and failed sign-ins', async () => {
    const reply = await h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: agent.username, password: 'wrong password' } });
    expect(auditRowsFor(String(reply.headers['x-request-id']))).toEqual([expect.objectContaining({ action: 'staff.login_failed', entity_id: agent.id })]);
  });
});

describe('audit and change commit together', () => {
  it('writes no audit row for a change that was refused', async () => {
    const patient = await openFile();
    const reply = await h.app.inject({ method: 'PATCH', url: `/api/patients/${patient.id}`, headers: agent.headers, payload: { version: 9, occupation: '司机' } });
    expect(reply.statusCode).toBe(409);
    expect(auditRowsFor(String(reply.headers['x-request-id']))).toEqual([]);
  });

  it('refuses the change when its audit row cannot be written, and says only the request id', async () => {
    const patient = await openFile();
    h.db.$client.exec("CREATE TRIGGER audit_log_test_refuse BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;");
    try {
      const reply = await h.app.inject({ method: 'PATCH', url: `/api/patients/${patient.id}`, headers: agent.headers, payload: { version: 1, occupation: '司机' } });
      expect(reply.statusCode).toBe(500);
      const problem = Problem.parse(reply.json());
      expect(problem).toMatchObject({ code: 'internal', requestId: reply.headers['x-request-id'] });
      expect(reply.body).not.toContain('disk on fire');
    } finally {
      h.db.$client.exec('DROP TRIGGER audit_log_test_refuse');
    }
    expect(h.db.$client.prepare('SELECT occupation, version FROM patients WHERE id = ?').get(patient.id)).toEqual({ occupation: '教师', version: 1 });
  });
});

describe('reads audited by group commit', () => {
  it('gives each of many concurrent reads its own row in one unbroken chain', async () => {
    const patient = await openFile();
    const replies = await Promise.all(
      Array.from({ length: 25 }, () => h.app.inject({ method: 'GET', url: `/api/patients/${patient.id}`, headers: doctor.headers })),
    );
    expect(replies.map((r) => r.statusCode)).toEqual(Array(25).fill(200));
    await h.deps.readAudit!.settled();
    for (const reply of replies) {
      expect(auditRowsFor(String(reply.headers['x-request-id']))).toEqual([expect.objectContaining({ action: 'patient.read', patient_id: patient.id })]);
    }
    expect(verifyAuditChain(h.db)).toMatchObject({ ok: true });
  });

  it('answers no patient data when the read cannot be recorded', async () => {
    const hospital = await startTestHospital({ readAudit: { journalFiles: (path) => new FullDisk(path) } });
    try {
      const agentThere = await hospital.signIn('agent');
      const created = await hospital.app.inject({ method: 'POST', url: '/api/patients', headers: agentThere.headers, payload: aPatient({ identifiers: [] }) });
      const patient = PatientFile.parse(created.json());
      const signedIn = await hospital.signIn('doctor');
      const reply = await hospital.app.inject({ method: 'GET', url: `/api/patients/${patient.id}`, headers: signedIn.headers });
      expect(reply.statusCode).toBe(500);
      expect(reply.body).not.toContain(patient.name);
    } finally {
      await hospital.close();
    }
  });
});

describe('the audit log is append-only', () => {
  it('refuses UPDATE and DELETE of audit rows in the database itself', () => {
    expect(() => h.db.$client.prepare("UPDATE audit_log SET actor_id = 'someone-else'").run()).toThrow(/append-only/);
    expect(() => h.db.$client.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    expect((h.db.$client.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n).toBeGreaterThan(0);
  });
});

describe('reading the audit log', () => {
  it('lets only admins read it', async () => {
    for (const session of [agent, doctor, await h.signIn('manager'), await h.signIn('nurse')]) {
      const reply = await h.app.inject({ method: 'GET', url: '/api/audit', headers: session.headers });
      expect(reply.statusCode).toBe(403);
    }
  });

  it('filters by patient and by actor, newest first', async () => {
    const patient = await openFile();
    await act(doctor, 'GET', `/api/patients/${patient.id}`);
    await act(agent, 'GET', `/api/patients/${patient.id}/timeline`);
    const byPatient = await auditPage(`?patientId=${patient.id}`);
    expect(byPatient.items.map((e) => e.action)).toEqual(['patient.timeline.read', 'patient.read', 'patient.create']);
    expect(byPatient.items.every((e) => e.patientId === patient.id)).toBe(true);
    const byDoctor = await auditPage(`?patientId=${patient.id}&actorId=${doctor.id}`);
    expect(byDoctor.items).toEqual([expect.objectContaining({ action: 'patient.read', actorId: doctor.id, actorRole: 'doctor' })]);
  });

  it('filters by period', async () => {
    const patient = await openFile();
    h.clock.advance(10 * MINUTE);
    const from = h.clock.now().toISOString();
    await act(agent, 'GET', `/api/patients/${patient.id}`);
    h.clock.advance(10 * MINUTE);
    await act(agent, 'GET', `/api/patients/${patient.id}`);
    const to = new Date(h.clock.now().getTime() - MINUTE).toISOString();
    const inPeriod = await auditPage(`?patientId=${patient.id}&from=${from}&to=${to}`);
    expect(inPeriod.items).toEqual([expect.objectContaining({ action: 'patient.read', at: from })]);
  });

  it('pages through the whole log without gaps or repeats', async () => {
    const seqs: number[] = [];
    let cursor: string | null = null;
    const total = (h.db.$client.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n;
    do {
      const page = await auditPage(`?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(7);
      seqs.push(...page.items.map((e) => e.seq));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seqs).toEqual(Array.from({ length: total }, (_, i) => total - i));
  });

  it('records that the audit log was read', async () => {
    const reply = await h.app.inject({ method: 'GET', url: `/api/audit?actorId=${agent.id}`, headers: admin.headers });
    expect(auditRowsFor(String(reply.headers['x-request-id']))).toEqual([expect.objectContaining({ action: 'audit.read', actor_id: admin.id })]);
  });

  it('refuses a tampered cursor and malformed filters with 400', async () => {
    for (const query of ['?cursor=bm90LWEtY3Vyc29y', `?cursor=${Buffer.from('["abc"]').toString('base64url')}`, '?from=yesterday', '?limit=0', '?action=patient.read']) {
      const reply = await h.app.inject({ method: 'GET', url: `/api/audit${query}`, headers: admin.headers });
      expect(reply.statusCode, `${query} → ${reply.body}`).toBe(400);
      expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });
});
