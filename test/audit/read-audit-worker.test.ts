import { describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/modules/audit/audit.service.js';
import { PatientFile } from '../../src/modules/patients/patients.schemas.js';
import { useTestHospital } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';

// The service commits read audits on a writer thread with its own connection (src/main.ts); these tests run the
// hospital that way. The same journal on the request thread is covered by audit-log.test.ts.
const h = await useTestHospital({ readAuditsInWorker: true });
const cardiology = await h.department('CARD', '心内科');
const agent = await h.signIn('agent');
const doctor = await h.signIn('doctor', { departmentId: cardiology });
const admin = await h.signIn('admin');

async function openFile(): Promise<PatientFile> {
  const reply = await h.app.inject({ method: 'POST', url: '/api/patients', headers: agent.headers, payload: aPatient({ identifiers: [] }) });
  expect(reply.statusCode, reply.body).toBe(201);
  return PatientFile.parse(reply.json());
}

const readsOf = (requestId: string) =>
  h.db.$client.prepare("SELECT action, patient_id FROM audit_log WHERE request_id = ? AND action = 'patient.read'").all(requestId);

describe('read audits on the writer thread', () => {
  it('gives every read its durable row, in one chain with the changes written beside them', async () => {
    const patient = await openFile();
    const reads = Array.from({ length: 30 }, () => h.app.inject({ method: 'GET', url: `/api/patients/${patient.id}`, headers: doctor.headers }));
    // Changes commit on the request thread while the writer thread commits reads: both append to one chain.
    const changes = Array.from({ length: 5 }, (_, i) =>
      h.app.inject({ method: 'POST', url: `/api/patients/${patient.id}/allergies`, headers: admin.headers, payload: { substance: `青霉素 ${i}` } }),
    );
    const replies = await Promise.all(reads);
    expect((await Promise.all(changes)).map((r) => r.statusCode)).toEqual(Array(5).fill(201));
    expect(replies.map((r) => r.statusCode)).toEqual(Array(30).fill(200));
    for (const reply of replies) expect(readsOf(String(reply.headers['x-request-id']))).toEqual([{ action: 'patient.read', patient_id: patient.id }]);
    expect(verifyAuditChain(h.db)).toMatchObject({ ok: true });
  });

  it('answers no patient data when the writer thread cannot write the row', async () => {
    const patient = await openFile();
    h.db.$client.exec(`CREATE TRIGGER audit_log_test_refuse BEFORE INSERT ON audit_log WHEN NEW.action = 'patient.read' BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;`);
    try {
      const reply = await h.app.inject({ method: 'GET', url: `/api/patients/${patient.id}`, headers: doctor.headers });
      expect(reply.statusCode).toBe(500);
      expect(reply.body).not.toContain(patient.name);
      expect(reply.body).not.toContain('disk on fire');
    } finally {
      h.db.$client.exec('DROP TRIGGER audit_log_test_refuse');
    }
    const after = await h.app.inject({ method: 'GET', url: `/api/patients/${patient.id}`, headers: doctor.headers });
    expect(after.statusCode).toBe(200);
  });
});
