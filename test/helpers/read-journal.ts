import { readFileSync } from 'node:fs';
import type { SyncTimer } from '../../src/modules/audit/audit.reads.js';
import { auditContent, canonicalContent } from '../../src/modules/audit/audit.service.js';
import { journalFilesOf, ReadJournalFiles } from '../../src/modules/audit/read-journal-file.js';
import { PatientFile } from '../../src/modules/patients/patients.schemas.js';
import type { StaffSession, TestHospital } from './app.js';
import { aPatient } from './factories.js';

/** Read journal files on a disk with no room left: every append fails as the operating system says it. */
export class FullDisk extends ReadJournalFiles {
  override append(): string {
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  }
}

/** Read journal files whose forced sync fails as a disk that cannot write reports it, `failures.left` times. */
export class SyncFails extends ReadJournalFiles {
  constructor(
    path: string,
    private readonly failures: { left: number },
  ) {
    super(path);
  }

  override sync(): Promise<void> {
    if (this.failures.left <= 0) return super.sync();
    this.failures.left--;
    return Promise.reject(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
  }
}

/** A timer the test fires by hand: it records each sync the journal asks for and after how long. */
export class HandTimer implements SyncTimer {
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

/** A patient file an agent opened in the hospital. */
export async function aFile(hospital: TestHospital): Promise<PatientFile> {
  const agent = await hospital.signIn('agent');
  const reply = await hospital.app.inject({ method: 'POST', url: '/api/patients', headers: agent.headers, payload: aPatient() });
  return PatientFile.parse(reply.json());
}

export function read(session: StaffSession, id: string, hospital: TestHospital) {
  return hospital.app.inject({ method: 'GET', url: `/api/patients/${id}`, headers: session.headers });
}

/** Every line of the hospital's read journal files. */
export function journalLines(hospital: TestHospital): string[] {
  return journalFilesOf(hospital.dbPath).flatMap((file) => readFileSync(file.path, 'utf8').split('\n'));
}

/** How many rows of the log carry the request id. */
export function loggedRows(hospital: TestHospital, requestId: string): unknown {
  return hospital.db.$client.prepare('SELECT count(*) FROM audit_log WHERE request_id = ?').pluck().get(requestId);
}

/** A read's row as the journal holds it: one line of canonical content, as a stopped service would have left it. */
export function journalLine(hospital: TestHospital, requestId: string): string {
  return canonicalContent(auditContent({ ...hospital.system(), requestId }, { action: 'patient.read', entityType: 'patient' }));
}
