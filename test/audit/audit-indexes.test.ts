import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { AuditPage } from '../../src/modules/audit/audit.schemas.js';
import { AUDIT_SEGMENT_ROWS } from '../../src/modules/audit/audit.repository.js';
import { verifyAuditChain, verifyAuditIndexes } from '../../src/modules/audit/audit.service.js';
import { PatientFile } from '../../src/modules/patients/patients.schemas.js';
import { startTestHospital, useTestHospital, type StaffSession } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';

const h = await useTestHospital();
const admin = await h.signIn('admin');
const agent = await h.signIn('agent');
const doctor = await h.signIn('doctor');
const journal = h.deps.readAudit!;
const MINUTE = 60 * 1000;

async function aFile(): Promise<PatientFile> {
  const reply = await h.app.inject({ method: 'POST', url: '/api/patients', headers: agent.headers, payload: aPatient({ identifiers: [] }) });
  return PatientFile.parse(reply.json());
}

async function read(session: StaffSession, id: string): Promise<void> {
  const reply = await h.app.inject({ method: 'GET', url: `/api/patients/${id}`, headers: session.headers });
  expect(reply.statusCode, reply.body).toBe(200);
  await journal.settled();
}

async function auditPage(query: string) {
  const reply = await h.app.inject({ method: 'GET', url: `/api/audit${query}`, headers: admin.headers });
  expect(reply.statusCode, reply.body).toBe(200);
  return AuditPage.parse(reply.json());
}

/** Every page of a filtered search, following the cursor. */
async function allPages(query: string, limit: number): Promise<number[]> {
  const seqs: number[] = [];
  let cursor: string | null = null;
  do {
    const page = await auditPage(`${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    seqs.push(...page.items.map((e) => e.seq));
    cursor = page.nextCursor;
  } while (cursor);
  return seqs;
}

function indexedThrough(): number {
  return h.db.$client.prepare('SELECT indexed_through FROM audit_index_state').pluck().get() as number;
}

function lastSeq(): number {
  return h.db.$client.prepare('SELECT max(seq) FROM audit_log').pluck().get() as number;
}

function seqsWhere(condition: string, value: string): number[] {
  return h.db.$client.prepare(`SELECT seq FROM audit_log WHERE ${condition} = ? ORDER BY seq DESC`).pluck().all(value) as number[];
}

describe('searching the audit log on both sides of the index mark', () => {
  it('indexes every row so far, written by reads (the writer) and by changes alike', async () => {
    const patient = await aFile();
    await read(doctor, patient.id);
    await journal.indexNow();
    expect(indexedThrough()).toBe(lastSeq());
    expect(verifyAuditIndexes(h.db)).toEqual([]);
    const indexed = h.db.$client.prepare('SELECT count(*) FROM audit_patient_index WHERE patient_id = ?').pluck().get(patient.id);
    expect(indexed).toBe(2); // patient.create (a change) and patient.read (the writer)
  });

  it('finds a patient’s rows indexed and not yet indexed, newest first, page by page', async () => {
    const patient = await aFile();
    for (let i = 0; i < 3; i++) await read(doctor, patient.id);
    await journal.indexNow();
    const mark = indexedThrough();
    for (let i = 0; i < 3; i++) await read(agent, patient.id);
    expect(lastSeq()).toBeGreaterThan(mark);

    expect(seqsWhere('patient_id', patient.id).filter((seq) => seq > mark)).toHaveLength(3);
    // Each search is itself recorded against the patient, after its own answer: what is stored before it is what it finds.
    for (const limit of [50, 2]) {
      const stored = seqsWhere('patient_id', patient.id);
      expect(await allPages(`?patientId=${patient.id}`, limit)).toEqual(stored);
    }
  });

  it('finds an actor’s rows and a period’s rows across the mark', async () => {
    const nurse = await h.signIn('nurse');
    const patient = await aFile();
    h.clock.advance(10 * MINUTE);
    const from = h.clock.now().toISOString();
    await read(nurse, patient.id);
    await journal.indexNow();
    h.clock.advance(MINUTE);
    await read(nurse, patient.id);
    const to = h.clock.now().toISOString();
    h.clock.advance(MINUTE);
    await read(nurse, patient.id);

    const byNurse = seqsWhere('actor_id', nurse.id);
    expect(byNurse).toHaveLength(4); // the sign-in and three reads
    expect(await allPages(`?actorId=${nurse.id}`, 2)).toEqual(byNurse);
    const inPeriod = h.db.$client.prepare('SELECT seq FROM audit_log WHERE at >= ? AND at <= ? ORDER BY seq DESC').pluck().all(from, to);
    expect(inPeriod).toHaveLength(2);
    expect(await allPages(`?from=${from}&to=${to}`, 1)).toEqual(inPeriod);
    const both = await auditPage(`?actorId=${nurse.id}&from=${from}&to=${to}`);
    expect(both.items.map((e) => e.seq)).toEqual(inPeriod);
  });
});

describe('a log of many segments', () => {
  it('finds a patient’s rows in the segments that hold them, past the empty ones, page by page', async () => {
    const patient = await aFile();
    // A long history without writing it: the log's next rows land two and five segments further on.
    const jumpBy = (segments: number) => h.db.$client.prepare("UPDATE sqlite_sequence SET seq = seq + ? WHERE name = 'audit_log'").run(segments * AUDIT_SEGMENT_ROWS);
    await read(doctor, patient.id);
    jumpBy(2);
    await read(agent, patient.id);
    await read(doctor, patient.id);
    jumpBy(3);
    await read(doctor, patient.id);
    await journal.indexNow();
    await read(agent, patient.id);

    const segments = new Set(seqsWhere('patient_id', patient.id).map((seq) => Math.floor(seq / AUDIT_SEGMENT_ROWS)));
    expect(segments.size).toBe(3);
    for (const limit of [1, 3, 50]) {
      const stored = seqsWhere('patient_id', patient.id);
      expect(await allPages(`?patientId=${patient.id}`, limit)).toEqual(stored);
    }
    expect(await allPages(`?actorId=${doctor.id}`, 2)).toEqual(seqsWhere('actor_id', doctor.id));
    expect(verifyAuditIndexes(h.db)).toEqual([]);
  });
});

describe('the indexes are kept honest', () => {
  it('refuses changes and removals of index rows, and a mark moved back', () => {
    for (const table of ['audit_patient_index', 'audit_actor_index', 'audit_time_index']) {
      expect(() => h.db.$client.prepare(`DELETE FROM ${table}`).run()).toThrow(/append-only/);
      expect(() => h.db.$client.prepare(`UPDATE ${table} SET seq = seq + 1`).run()).toThrow(/append-only/);
    }
    expect(() => h.db.$client.prepare('UPDATE audit_index_state SET indexed_through = 0').run()).toThrow(/only moves forward/);
    expect(() => h.db.$client.prepare('DELETE FROM audit_index_state').run()).toThrow(/kept/);
  });

  it('reports an index row that names no audit row, and a row the index lacks', async () => {
    const hospital = await startTestHospital();
    try {
      const signedIn = await hospital.signIn('doctor');
      await hospital.deps.readAudit!.indexNow();
      expect(verifyAuditIndexes(hospital.db)).toEqual([]);
      hospital.db.$client.prepare("INSERT INTO audit_patient_index (segment, patient_id, seq) VALUES (0, 'forged-patient', 1)").run();
      // Behind the triggers' back (as an attacker with the file would): the actor's login row leaves its segment for
      // another, where no search by that actor would look for it.
      const raw = new Database(hospital.dbPath);
      raw.pragma('recursive_triggers = OFF');
      raw.exec('DROP TRIGGER audit_actor_index_no_update');
      raw.prepare('UPDATE audit_actor_index SET segment = segment + 5 WHERE actor_id = ?').run(signedIn.id);
      raw.close();
      expect(verifyAuditIndexes(hospital.db)).toEqual([
        { index: 'audit_patient_index', missing: 0, stray: 1 },
        { index: 'audit_actor_index', missing: 1, stray: 1 },
      ]);
      expect(verifyAuditChain(hospital.db)).toMatchObject({ ok: true });
    } finally {
      await hospital.close();
    }
  });
});

/** A hospital of its own, for a test that stops or breaks its writer, with one file and a doctor to read it. */
async function aHospitalWithAFile() {
  const hospital = await startTestHospital();
  const signedIn = await hospital.signIn('doctor');
  const reply = await hospital.app.inject({ method: 'POST', url: '/api/patients', headers: signedIn.headers, payload: aPatient() });
  const id = PatientFile.parse(reply.json()).id;
  const readTimes = (n: number) => Array.from({ length: n }, () => hospital.app.inject({ method: 'GET', url: `/api/patients/${id}`, headers: signedIn.headers }));
  return { hospital, id, readTimes };
}

describe('closing the journal', () => {
  it('waits for reads still with the writer, and every one of them is answered and recorded', async () => {
    const { hospital, readTimes } = await aHospitalWithAFile();
    try {
      const reads = readTimes(40);
      await new Promise((resolve) => setImmediate(resolve));
      await hospital.deps.readAudit!.close();
      expect((await Promise.all(reads)).map((r) => r.statusCode)).toEqual(Array(40).fill(200));
      const rows = hospital.db.$client.prepare("SELECT count(*) FROM audit_log WHERE action = 'patient.read'").pluck().get();
      expect(rows).toBe(40);
    } finally {
      await hospital.close();
    }
  });
});

describe('a writer worker that fails', () => {
  it('leaves reads audited all the same, on the service’s own connection, in the one chain', async () => {
    const { hospital, id, readTimes } = await aHospitalWithAFile();
    try {
      // The worker prepares its statements when it starts (at the first read): without this table it cannot.
      hospital.db.$client.exec('DROP TABLE audit_index_state');
      const reads = await Promise.all(readTimes(5));
      expect(reads.map((r) => r.statusCode)).toEqual(Array(5).fill(200));
      await hospital.deps.readAudit!.settled();
      for (const read of reads) {
        const row = hospital.db.$client.prepare('SELECT action, patient_id FROM audit_log WHERE request_id = ?').get(String(read.headers['x-request-id']));
        expect(row).toEqual({ action: 'patient.read', patient_id: id });
      }
      expect(verifyAuditChain(hospital.db)).toMatchObject({ ok: true });
    } finally {
      await hospital.close();
    }
  });
});
