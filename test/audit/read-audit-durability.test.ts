import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { SyncTimer } from '../../src/modules/audit/audit.reads.js';
import { verifyAuditChain } from '../../src/modules/audit/audit.service.js';
import { PatientFile } from '../../src/modules/patients/patients.schemas.js';
import { startTestHospital, useTestHospital, type StaffSession, type TestHospital } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';

/** A timer the test fires by hand: it records each sync the journal asks for and after how long. */
class HandTimer implements SyncTimer {
  readonly requests: { ms: number; run: () => Promise<void>; cleared: boolean }[] = [];

  set(run: () => Promise<void>, ms: number): unknown {
    const request = { ms, run, cleared: false };
    this.requests.push(request);
    return request;
  }

  clear(handle: unknown): void {
    (handle as { cleared: boolean }).cleared = true;
  }

  /** Fires every sync asked for and not yet fired; resolves when their fdatasyncs are done. */
  async fireDue(): Promise<void> {
    const due = this.requests.splice(0).filter((r) => !r.cleared);
    await Promise.all(due.map((r) => r.run()));
  }
}

const timer = new HandTimer();
const h = await useTestHospital({ readAudit: { syncWithinMs: 100, timer } });
const doctor = await h.signIn('doctor');
const nurse = await h.signIn('nurse');
const journal = h.deps.readAudit!;

async function aFile(hospital: TestHospital = h): Promise<PatientFile> {
  const agent = await hospital.signIn('agent');
  const reply = await hospital.app.inject({ method: 'POST', url: '/api/patients', headers: agent.headers, payload: aPatient() });
  return PatientFile.parse(reply.json());
}

function read(session: StaffSession, id: string, hospital: TestHospital = h) {
  return hospital.app.inject({ method: 'GET', url: `/api/patients/${id}`, headers: session.headers });
}

describe('a read audit row with a sync window (HCRM_READ_AUDIT_SYNC_MS)', () => {
  it('is committed before the answer leaves: another connection sees it at once', async () => {
    const patient = await aFile();
    const reply = await read(doctor, patient.id);
    expect(reply.statusCode).toBe(200);
    const other = new Database(h.dbPath, { readonly: true });
    try {
      const row = other.prepare('SELECT action, patient_id, actor_id FROM audit_log WHERE request_id = ?').get(String(reply.headers['x-request-id']));
      expect(row).toEqual({ action: 'patient.read', patient_id: patient.id, actor_id: doctor.id });
    } finally {
      other.close();
    }
  });

  it('is forced to stable storage by one sync asked for within the window, covering every read before it', async () => {
    await timer.fireDue();
    const patient = await aFile();
    const before = journal.status();
    expect(before.durable).toBe(before.committed);

    await Promise.all([read(doctor, patient.id), read(nurse, patient.id)]);
    await read(doctor, patient.id);
    const waiting = journal.status();
    expect(waiting.committed).toBe(before.committed + 3);
    expect(waiting.durable).toBe(before.committed);
    expect(timer.requests.map((r) => r.ms)).toEqual([100]);

    await timer.fireDue();
    expect(journal.status()).toEqual({ committed: before.committed + 3, durable: before.committed + 3 });
  });

  it('keeps one hash chain through reads (synced later) and changes (synced at once) committed together', async () => {
    const patients = await Promise.all(Array.from({ length: 4 }, () => aFile()));
    const agent = await h.signIn('agent');
    const replies = await Promise.all(
      patients.flatMap((p, i) => [
        read(doctor, p.id),
        h.app.inject({ method: 'PATCH', url: `/api/patients/${p.id}`, headers: agent.headers, payload: { version: p.version, occupation: `职业${i}` } }),
        read(nurse, p.id),
        read(doctor, p.id),
      ]),
    );
    expect(replies.map((r) => r.statusCode)).toEqual(Array(16).fill(200));
    for (const reply of replies) {
      const rows = h.db.$client.prepare('SELECT action FROM audit_log WHERE request_id = ?').all(String(reply.headers['x-request-id']));
      expect(rows).toHaveLength(1);
    }
    expect(verifyAuditChain(h.db)).toMatchObject({ ok: true });
  });

  it('writes no row for a read whose condition fails in the transaction, and chains the rest of its batch', async () => {
    const patient = await aFile();
    const ctx = (requestId: string) => ({ ...h.system(), requestId });
    const event = { action: 'patient.read', entityType: 'patient' };
    const fileIs = (version: number) => ({ sql: 'SELECT version FROM patients WHERE id = ?', params: [patient.id], expected: version });
    const answers = await Promise.all([
      journal.recordIf(ctx('cond-yes-1'), event, fileIs(patient.version)),
      journal.recordIf(ctx('cond-no'), event, fileIs(patient.version + 1)),
      journal.recordIf(ctx('cond-yes-2'), event, fileIs(patient.version)),
    ]);
    expect(answers).toEqual([true, false, true]);
    const rows = h.db.$client.prepare("SELECT request_id FROM audit_log WHERE request_id LIKE 'cond-%' ORDER BY seq").all();
    expect(rows).toEqual([{ request_id: 'cond-yes-1' }, { request_id: 'cond-yes-2' }]);
    expect(verifyAuditChain(h.db)).toMatchObject({ ok: true });
  });

  it('leaves the connection as every change needs it: synchronous=FULL, automatic checkpoints on', async () => {
    const patient = await aFile();
    expect((await read(doctor, patient.id)).statusCode).toBe(200);
    expect(h.db.$client.pragma('synchronous', { simple: true })).toBe(2);
    expect(h.db.$client.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  });

  it('has the WAL the read commits leave checkpointed by a worker thread', async () => {
    const patient = await aFile();
    await Promise.all([read(doctor, patient.id), read(nurse, patient.id)]);
    const pages = await journal.walCheckpointer()!.checkpointNow();
    expect(pages.log).toBeGreaterThan(0);
    expect(pages.checkpointed).toBe(pages.log);
  });

  it('still answers 500 with no patient data when the row cannot be written', async () => {
    const patient = await aFile();
    h.db.$client.exec("CREATE TRIGGER audit_log_test_refuse BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;");
    try {
      const reply = await read(doctor, patient.id);
      expect(reply.statusCode).toBe(500);
      expect(reply.body).not.toContain(patient.name);
    } finally {
      h.db.$client.exec('DROP TRIGGER audit_log_test_refuse');
    }
    expect((await read(doctor, patient.id)).statusCode).toBe(200);
  });
});

describe('shutting down with read rows not yet synced', () => {
  it('syncs them before the service stops', async () => {
    const ownTimer = new HandTimer();
    const hospital = await startTestHospital({ readAudit: { syncWithinMs: 100, timer: ownTimer } });
    const patient = await aFile(hospital);
    const session = await hospital.signIn('doctor');
    expect((await read(session, patient.id, hospital)).statusCode).toBe(200);
    const readAudit = hospital.deps.readAudit!;
    expect(readAudit.status().durable).toBeLessThan(readAudit.status().committed);

    await hospital.close();
    expect(readAudit.status().durable).toBe(readAudit.status().committed);
    expect(ownTimer.requests.every((r) => r.cleared)).toBe(true);
  });
});

describe('with HCRM_READ_AUDIT_SYNC_MS=0', () => {
  it('answers a read only once its row is on stable storage, with no sync left for later', async () => {
    const ownTimer = new HandTimer();
    const hospital = await startTestHospital({ readAudit: { syncWithinMs: 0, timer: ownTimer } });
    try {
      const patient = await aFile(hospital);
      const session = await hospital.signIn('doctor');
      expect((await read(session, patient.id, hospital)).statusCode).toBe(200);
      const status = hospital.deps.readAudit!.status();
      expect(status.committed).toBe(1);
      expect(status.durable).toBe(1);
      expect(ownTimer.requests).toEqual([]);
    } finally {
      await hospital.close();
    }
  });
});

describe('HCRM_READ_AUDIT_SYNC_MS', () => {
  it('is 100 ms unless set, accepts 0 (sync before answering), and refuses more than a second', () => {
    expect(loadConfig({}).readAuditSyncMs).toBe(100);
    expect(loadConfig({ HCRM_READ_AUDIT_SYNC_MS: '0' }).readAuditSyncMs).toBe(0);
    expect(() => loadConfig({ HCRM_READ_AUDIT_SYNC_MS: '5000' })).toThrow(/HCRM_READ_AUDIT_SYNC_MS/);
    expect(() => loadConfig({ HCRM_READ_AUDIT_SYNC_MS: 'soon' })).toThrow(/HCRM_READ_AUDIT_SYNC_MS/);
  });
});
