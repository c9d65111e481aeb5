import { describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/modules/audit/audit.service.js';
import { AuditWriter, type AppendOutcome, type AuditWriterOptions } from '../../src/modules/audit/audit.writer.js';
import { journalFilesOf } from '../../src/modules/audit/read-journal-file.js';
import { startTestHospital, type TestHospital } from '../helpers/app.js';
import { aFile, journalLines, loggedRows, read } from '../helpers/read-journal.js';

/*
 * The audit writer's worker adds read rows to the log after their reads were answered from the journal. When it
 * cannot, the service's own connection does, so no answered read is missing from the log.
 */

/** The writer as it is when another connection held SQLite's write lock past its busy timeout: every row comes back unwritten, with that error. */
class LockedOutWriter extends AuditWriter {
  override append(rows: string[]): Promise<AppendOutcome[]> {
    return Promise.resolve(rows.map(() => ({ error: 'database is locked' })));
  }
}

/** Real writers, kept so that the test can stop one's worker and count how many were started. */
function keptWriters(): { writers: AuditWriter[]; auditWriter: (path: string, options: AuditWriterOptions) => AuditWriter } {
  const writers: AuditWriter[] = [];
  const auditWriter = (path: string, options: AuditWriterOptions) => {
    const writer = new AuditWriter(path, options);
    writers.push(writer);
    return writer;
  };
  return { writers, auditWriter };
}

async function readOnce(hospital: TestHospital, patientId: string): Promise<string> {
  const reply = await read(await hospital.signIn('doctor'), patientId, hospital);
  expect(reply.statusCode).toBe(200);
  return String(reply.headers['x-request-id']);
}

describe('read rows the audit writer could not add', () => {
  it('are added on the service’s connection, and their journal file goes like any other', async () => {
    const hospital = await startTestHospital({ readAudit: { syncWithinMs: 0, auditWriter: (path, options) => new LockedOutWriter(path, options) } });
    try {
      const patient = await aFile(hospital);
      const requestId = await readOnce(hospital, patient.id);
      expect(journalLines(hospital).filter((line) => line.includes(requestId))).toHaveLength(1);
      const readAudit = hospital.deps.readAudit!;
      await readAudit.settled();
      expect(loggedRows(hospital, requestId)).toBe(1);
      expect(verifyAuditChain(hospital.db)).toMatchObject({ ok: true });
      await readAudit.close();
      expect(journalFilesOf(hospital.dbPath)).toEqual([]);
    } finally {
      await hospital.close();
    }
  });
});

describe('a read audit writer whose worker has stopped', () => {
  it('has its rows added on the service’s connection, and later reads committed there before they are answered', async () => {
    const { writers, auditWriter } = keptWriters();
    const hospital = await startTestHospital({ readAudit: { syncWithinMs: 0, auditWriter } });
    try {
      const patient = await aFile(hospital);
      hospital.deps.readAudit!.start(); // as the service does when it starts
      await writers[0]!.stop();

      const handedToDeadWriter = await readOnce(hospital, patient.id);
      await hospital.deps.readAudit!.settled();
      expect(loggedRows(hospital, handedToDeadWriter)).toBe(1);

      const afterward = await readOnce(hospital, patient.id);
      expect(loggedRows(hospital, afterward)).toBe(1);
      expect(journalLines(hospital).some((line) => line.includes(afterward))).toBe(false);
      expect(writers).toHaveLength(1);
      expect(verifyAuditChain(hospital.db)).toMatchObject({ ok: true });
    } finally {
      await hospital.close();
    }
  });

  it('is replaced by a new worker once the retry interval has passed', async () => {
    const { writers, auditWriter } = keptWriters();
    const hospital = await startTestHospital({ readAudit: { syncWithinMs: 0, auditWriter, writerRetryMs: 0 } });
    try {
      const patient = await aFile(hospital);
      hospital.deps.readAudit!.start(); // as the service does when it starts
      await writers[0]!.stop();
      await readOnce(hospital, patient.id);
      await hospital.deps.readAudit!.settled();

      const withNewWorker = await readOnce(hospital, patient.id);
      expect(writers).toHaveLength(2);
      expect(journalLines(hospital).filter((line) => line.includes(withNewWorker))).toHaveLength(1);
      await hospital.deps.readAudit!.settled();
      expect(loggedRows(hospital, withNewWorker)).toBe(1);
      expect(verifyAuditChain(hospital.db)).toMatchObject({ ok: true });
    } finally {
      await hospital.close();
    }
  });
});
