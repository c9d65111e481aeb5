import { writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { verifyAuditChain } from '../../src/modules/audit/audit.service.js';
import { ReadAuditJournal } from '../../src/modules/audit/audit.reads.js';
import { journalFilesOf, ReadJournalFiles } from '../../src/modules/audit/read-journal-file.js';
import { startTestHospital, useTestHospital } from '../helpers/app.js';
import { aFile, HandTimer, SyncFails, journalLine, journalLines, loggedRows, read } from '../helpers/read-journal.js';

const timer = new HandTimer();
const h = await useTestHospital({ readAudit: { syncWithinMs: 100, timer } });
const doctor = await h.signIn('doctor');
const nurse = await h.signIn('nurse');
const journal = h.deps.readAudit!;

describe('a read audit row with a sync window (HCRM_READ_AUDIT_SYNC_MS)', () => {
  it('is in the read journal before the answer leaves, and in the log once settled', async () => {
    const patient = await aFile(h);
    const reply = await read(doctor, patient.id, h);
    expect(reply.statusCode).toBe(200);
    const requestId = String(reply.headers['x-request-id']);
    const recorded = journalLines(h).filter((line) => line.includes(requestId));
    expect(recorded).toHaveLength(1);
    expect(JSON.parse(recorded[0]!)).toEqual(expect.arrayContaining(['patient.read', patient.id, doctor.id, requestId]));
    await journal.settled();
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
    const patient = await aFile(h);
    const before = journal.status();
    expect(before.durable).toBe(before.committed);

    await Promise.all([read(doctor, patient.id, h), read(nurse, patient.id, h)]);
    await read(doctor, patient.id, h);
    const waiting = journal.status();
    expect(waiting.committed).toBe(before.committed + 3);
    expect(waiting.durable).toBe(before.committed);
    expect(timer.requests.map((r) => r.ms)).toEqual([100]);

    await timer.fireDue();
    expect(journal.status()).toEqual({ committed: before.committed + 3, durable: before.committed + 3 });
  });

  it('keeps one hash chain through reads (synced later) and changes (synced at once) committed together', async () => {
    const patients = await Promise.all(Array.from({ length: 4 }, () => aFile(h)));
    const agent = await h.signIn('agent');
    const replies = await Promise.all(
      patients.flatMap((p, i) => [
        read(doctor, p.id, h),
        h.app.inject({ method: 'PATCH', url: `/api/patients/${p.id}`, headers: agent.headers, payload: { version: p.version, occupation: `职业${i}` } }),
        read(nurse, p.id, h),
        read(doctor, p.id, h),
      ]),
    );
    expect(replies.map((r) => r.statusCode)).toEqual(Array(16).fill(200));
    await journal.settled();
    for (const reply of replies) {
      const rows = h.db.$client.prepare('SELECT action FROM audit_log WHERE request_id = ?').all(String(reply.headers['x-request-id']));
      expect(rows).toHaveLength(1);
    }
    expect(verifyAuditChain(h.db)).toMatchObject({ ok: true });
  });

  it('committed on the service’s connection, leaves it as every change needs it: synchronous=FULL, automatic checkpoints on', async () => {
    const hospital = await startTestHospital({ readAudit: { syncWithinMs: 100, inWorker: false } });
    try {
      const patient = await aFile(hospital);
      const session = await hospital.signIn('doctor');
      const reply = await read(session, patient.id, hospital);
      expect(reply.statusCode).toBe(200);
      expect(loggedRows(hospital, String(reply.headers['x-request-id']))).toBe(1);
      expect(journalFilesOf(hospital.dbPath)).toEqual([]);
      expect(hospital.db.$client.pragma('synchronous', { simple: true })).toBe(2);
      expect(hospital.db.$client.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    } finally {
      await hospital.close();
    }
  });

  it('has the WAL the read commits leave checkpointed by a worker thread', async () => {
    const patient = await aFile(h);
    await Promise.all([read(doctor, patient.id, h), read(nurse, patient.id, h)]);
    await journal.settled();
    const pages = await journal.walCheckpointer()!.checkpointNow();
    expect(pages.log).toBeGreaterThan(0);
    expect(pages.checkpointed).toBe(pages.log);
  });

});

describe('rows in the read journal that the log does not hold', () => {
  it('are answered for, kept in their file, and added to the log at the next start', async () => {
    const hospital = await startTestHospital({ readAudit: { syncWithinMs: 100, timer: new HandTimer() } });
    try {
      const patient = await aFile(hospital);
      const session = await hospital.signIn('doctor');
      expect((await read(session, patient.id, hospital)).statusCode).toBe(200);
      await hospital.deps.readAudit!.settled();
      hospital.db.$client.exec("CREATE TRIGGER audit_log_test_refuse BEFORE INSERT ON audit_log WHEN NEW.action = 'patient.read' BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;");
      const reply = await read(session, patient.id, hospital);
      expect(reply.statusCode).toBe(200);
      const readAudit = hospital.deps.readAudit!;
      await readAudit.settled();
      const logged = () => loggedRows(hospital, String(reply.headers['x-request-id']));
      expect(logged()).toBe(0);
      hospital.db.$client.exec('DROP TRIGGER audit_log_test_refuse');

      // The service stops with the row still only in its journal file, and starts again.
      await readAudit.close();
      expect(journalFilesOf(hospital.dbPath)).toHaveLength(1);
      await readAudit.indexNow();
      expect(logged()).toBe(1);
      expect(readAudit.status().replay).toMatchObject({ added: 1, unreadable: 0, refused: 0 });
      expect(verifyAuditChain(hospital.db)).toMatchObject({ ok: true });
      await readAudit.close();
      expect(journalFilesOf(hospital.dbPath)).toEqual([]);
    } finally {
      await hospital.close();
    }
  });

  it('skip a line a crash cut short, add each row once, and keep a file with a line that is no row', async () => {
    const hospital = await startTestHospital();
    try {
      const whole = journalLine(hospital, 'replay-whole');
      writeFileSync(`${hospital.dbPath}-reads.7`, `${whole}\n{"not":"a row"}\n${whole}\n${journalLine(hospital, 'replay-cut').slice(0, 40)}`);
      const readAudit = hospital.deps.readAudit!;
      await readAudit.indexNow();
      expect(readAudit.status().replay).toMatchObject({ added: 1, unreadable: 1 });
      const requests = hospital.db.$client.prepare("SELECT request_id FROM audit_log WHERE request_id LIKE 'replay-%'").pluck().all();
      expect(requests).toEqual(['replay-whole']);
      await readAudit.close();
      // Nothing in a journal file is thrown away unread: audit:verify keeps saying it waits.
      expect(journalFilesOf(hospital.dbPath).map((f) => f.number)).toEqual([7]);
    } finally {
      await hospital.close();
    }
  });

  it('keep their file when the log refuses them at the replay too, until a start where it takes them', async () => {
    const hospital = await startTestHospital();
    try {
      writeFileSync(`${hospital.dbPath}-reads.3`, `${journalLine(hospital, 'replay-late')}\n`);
      hospital.db.$client.exec("CREATE TRIGGER audit_log_test_refuse BEFORE INSERT ON audit_log WHEN NEW.request_id = 'replay-late' BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;");
      const readAudit = hospital.deps.readAudit!;
      await readAudit.indexNow();
      expect(readAudit.status().replay).toMatchObject({ added: 0, refused: 1 });
      await readAudit.close();
      expect(journalFilesOf(hospital.dbPath).map((f) => f.number)).toEqual([3]);

      hospital.db.$client.exec('DROP TRIGGER audit_log_test_refuse');
      await readAudit.indexNow();
      expect(readAudit.status().replay).toMatchObject({ added: 1, refused: 0 });
      expect(loggedRows(hospital, 'replay-late')).toBe(1);
      await readAudit.close();
      expect(journalFilesOf(hospital.dbPath)).toEqual([]);
    } finally {
      await hospital.close();
    }
  });
});

describe('the read journal’s files', () => {
  it('begin anew past their size, and go once their rows are in the log and a sync has covered them', async () => {
    const ownTimer = new HandTimer();
    const hospital = await startTestHospital({ readAudit: { syncWithinMs: 100, timer: ownTimer, journalFiles: (path) => new ReadJournalFiles(path, 600) } });
    try {
      const patient = await aFile(hospital);
      const session = await hospital.signIn('doctor');
      for (let i = 0; i < 4; i++) expect((await read(session, patient.id, hospital)).statusCode).toBe(200);
      const readAudit = hospital.deps.readAudit!;
      await readAudit.settled();
      const begun = journalFilesOf(hospital.dbPath).map((f) => f.number);
      expect(begun.length).toBeGreaterThanOrEqual(2);
      // All in the log, but not yet synced: none goes. A sync closes the files no longer written to; the next lets them go.
      await ownTimer.fireDue();
      await read(session, patient.id, hospital);
      await readAudit.settled();
      await ownTimer.fireDue();
      const left = journalFilesOf(hospital.dbPath).map((f) => f.number);
      expect(left).not.toContain(begun[0]);
      expect(left.length).toBeGreaterThan(0);
    } finally {
      await hospital.close();
    }
  });

  it('are held by one service: a second on the same database commits its reads itself and leaves them alone', async () => {
    const patient = await aFile(h);
    expect((await read(doctor, patient.id, h)).statusCode).toBe(200);
    const files = journalFilesOf(h.dbPath);
    expect(files.length).toBeGreaterThan(0);
    const second = new ReadAuditJournal(h.db, { syncWithinMs: 100, inWorker: true, timer: new HandTimer() });
    try {
      await second.record({ ...h.system(), requestId: 'second-service-read' }, { action: 'patient.read', entityType: 'patient', patientId: patient.id });
      expect(loggedRows(h, 'second-service-read')).toBe(1);
      expect(journalFilesOf(h.dbPath)).toEqual(files);
    } finally {
      await second.close();
    }
    expect(journalFilesOf(h.dbPath)).toEqual(files);
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

describe('a forced sync of the read journal that fails', () => {
  it('proves the next reads with a sync that works, and keeps the journal files for the next start, which logs nothing twice', async () => {
    const ownTimer = new HandTimer();
    const failures = { left: 1 };
    const hospital = await startTestHospital({ readAudit: { syncWithinMs: 100, timer: ownTimer, journalFiles: (path) => new SyncFails(path, failures) } });
    try {
      const patient = await aFile(hospital);
      const session = await hospital.signIn('doctor');
      const before = await read(session, patient.id, hospital);
      const readAudit = hospital.deps.readAudit!;
      await readAudit.settled();
      await ownTimer.fireDue();
      expect(failures.left).toBe(0);
      expect(readAudit.status().durable).toBeLessThan(readAudit.status().committed);

      // The kernel may have dropped what it could not write and says so once: the next read waits for a sync that works.
      const provenThrough = readAudit.status().committed;
      const after = await read(session, patient.id, hospital);
      expect(after.statusCode).toBe(200);
      expect(readAudit.status().durable).toBe(provenThrough);
      await readAudit.settled();
      await readAudit.close();
      expect(journalFilesOf(hospital.dbPath).length).toBeGreaterThan(0);

      await readAudit.indexNow();
      expect(readAudit.status().replay).toMatchObject({ added: 0, unreadable: 0, refused: 0 });
      for (const reply of [before, after]) expect(loggedRows(hospital, String(reply.headers['x-request-id']))).toBe(1);
      expect(verifyAuditChain(hospital.db)).toMatchObject({ ok: true });
      await readAudit.close();
      expect(journalFilesOf(hospital.dbPath)).toEqual([]);
    } finally {
      await hospital.close();
    }
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
