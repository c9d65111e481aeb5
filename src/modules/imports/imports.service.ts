import { statement, type Tx } from '../../../db/client.js';
import type { ServiceContext } from '../../lib/context.js';
import { AppError } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { inTransaction } from '../../lib/transaction.js';
import { audit } from '../audit/audit.service.js';
import { completeFromHis } from '../appointments/appointments.service.js';
import { addAllergyIfNew, addIdentifiers, applySourcedDemographics, changeIdentifier, patientIdByIdentifiers, upsertEncounterFromSource } from '../patients/patients.feeds.js';
import { departmentIdByCode } from '../staff/staff.service.js';
import type { ImportFormat, ImportRecord, Mapped, MergeRecord, Rejected, UpsertRecord } from './canonical.js';
import { mergeIn } from '../identity/identity.merge.js';
import { survivingPatientId } from '../patients/patients.merge.js';
import { needsReview, unknownDepartment, unknownPatient } from './imports.errors.js';
import * as repo from './imports.repository.js';
import { resolvePatient } from './patient-resolution.js';

/**
 * Applies canonical records to patient files. Each record is all or nothing (a savepoint inside the batch's
 * transaction); one that fails is quarantined with its raw content and reason while the rest of the batch goes in.
 * A record whose source key was applied before changes nothing and counts as unchanged.
 */
export type Outcome = 'created' | 'updated' | 'unchanged' | 'linked' | 'review' | 'quarantined';

export interface ImportRun {
  id: string;
  format: ImportFormat;
  source: string;
  channel: 'http' | 'cli' | 'mllp' | 'retry';
  startedAt: Date;
  startedMs: number;
  counts: Record<'received' | Outcome, number>;
  problems: { position: string; code: string; reason: string; quarantineId: string | null }[];
  /** CSV only: kept with quarantined rows so a corrected row can be retried alone. */
  mapping?: string | undefined;
}

export interface RecordResult {
  outcome: Outcome;
  patientId: string | null;
  problem?: { code: string; reason: string; quarantineId: string | null };
}

const MAX_PROBLEMS_LISTED = 100;

export function startRun(ctx: ServiceContext, format: ImportFormat, source: string, channel: ImportRun['channel'], mapping?: string): ImportRun {
  return {
    id: newId(),
    format,
    source,
    channel,
    startedAt: ctx.now,
    startedMs: performance.now(),
    counts: { received: 0, created: 0, updated: 0, unchanged: 0, linked: 0, review: 0, quarantined: 0 },
    problems: [],
    mapping,
  };
}

/** Applies mapped records in one transaction; returns each record's result in order. */
export function applyBatch(ctx: ServiceContext, run: ImportRun, batch: (Mapped & { header?: string })[]): RecordResult[] {
  return inImportTransaction(ctx, (tx) => applyBatchIn(tx, ctx, run, batch));
}

/** A transaction that applies records: if it rolls back, the patient index forgets the files it wrote. */
export function inImportTransaction<T>(ctx: ServiceContext, work: (tx: Tx) => T): T {
  try {
    return inTransaction(ctx, work);
  } catch (error) {
    ctx.patientIndex.discardUnconfirmed();
    throw error;
  }
}

/** The same inside a transaction the caller holds (a retry that must commit with its quarantine update). */
export function applyBatchIn(tx: Tx, ctx: ServiceContext, run: ImportRun, batch: (Mapped & { header?: string })[]): RecordResult[] {
  return batch.map((item) => {
    run.counts.received++;
    const result = item.ok ? applyGuarded(tx, ctx, run, item.record, item.raw, item.header) : quarantine(tx, ctx, run, item.rejected, 'open', item.header);
    run.counts[result.outcome]++;
    return result;
  });
}

function applyGuarded(tx: Tx, ctx: ServiceContext, run: ImportRun, record: ImportRecord, raw: string, header: string | undefined): RecordResult {
  // Each record runs under a savepoint: one that fails half-way leaves nothing behind. Raw SAVEPOINT statements
  // (prepared once) rather than drizzle's nested transaction, which builds and prepares them for every record.
  statement(tx, 'SAVEPOINT import_record').run();
  const mark = ctx.patientIndex.mark();
  try {
    const result = applyRecord(tx, ctx, run, record);
    statement(tx, 'RELEASE import_record').run();
    return result;
  } catch (error) {
    statement(tx, 'ROLLBACK TO import_record').run();
    statement(tx, 'RELEASE import_record').run();
    ctx.patientIndex.rollbackTo(mark);
    if (!(error instanceof AppError)) throw error;
    const status = error.code === 'imports.needs_review' ? 'review' : 'open';
    return quarantine(tx, ctx, run, { key: record.key, position: record.position, raw, code: error.code, reason: error.detail }, status, header);
  }
}

function quarantine(tx: Tx, ctx: ServiceContext, run: ImportRun, rejected: Rejected, status: 'open' | 'review', header: string | undefined): RecordResult {
  const id = newId();
  repo.insertQuarantine(tx, {
    id,
    runId: run.id,
    format: run.format,
    source: run.source,
    mapping: run.mapping ?? null,
    context: header ?? null,
    position: rejected.position,
    recordKey: rejected.key,
    raw: rejected.raw,
    code: rejected.code,
    reason: rejected.reason,
    status,
    createdAt: ctx.now.toISOString(),
  });
  if (run.problems.length < MAX_PROBLEMS_LISTED) run.problems.push({ position: rejected.position, code: rejected.code, reason: rejected.reason, quarantineId: id });
  return { outcome: status === 'review' ? 'review' : 'quarantined', patientId: null, problem: { code: rejected.code, reason: rejected.reason, quarantineId: id } };
}

/** Applies one record inside the caller's (savepoint) transaction. Throws AppError when it cannot. */
export function applyRecord(tx: Tx, ctx: ServiceContext, run: ImportRun, record: ImportRecord): RecordResult {
  if (repo.receiptExists(tx, run.source, record.key)) return { outcome: 'unchanged', patientId: null };
  const origin = { source: `import:${run.source}`, assertedAt: record.assertedAt };
  let patientId: string;
  let outcome: Outcome;
  let detail: Record<string, unknown>;
  if (record.command === 'merge') {
    ({ patientId, outcome, detail } = applyMerge(tx, ctx, record));
  } else if (record.command === 'change-identifier') {
    patientId = changeIdentifier(tx, record.from, record.to);
    outcome = 'updated';
    detail = { changed: ['identifiers'], from: record.from.system, to: record.to.system };
  } else {
    ({ patientId, outcome, detail } = applyUpsert(tx, ctx, run, record, origin));
  }
  repo.insertReceipt(tx, { source: run.source, key: record.key, runId: run.id, patientId, receivedAt: ctx.now.toISOString() });
  if (outcome !== 'unchanged') {
    audit(tx, ctx, { action: `patient.import.${outcome}`, entityType: 'patient', entityId: patientId, patientId, detail: { source: run.source, format: run.format, runId: run.id, ...detail } });
  }
  return { outcome, patientId };
}

/**
 * HL7 A40: the file holding the retired identifiers (MRG-1) merges into the one holding PID-3, through the
 * identity module's merge (everything re-pointed, the retired file an alias, undoable). Re-sent after the merge,
 * it changes nothing.
 */
function applyMerge(tx: Tx, ctx: ServiceContext, record: MergeRecord): { patientId: string; outcome: Outcome; detail: Record<string, unknown> } {
  const survivorHolder = patientIdByIdentifiers(tx, record.survivor);
  const survivorId = survivorHolder === undefined ? undefined : survivingPatientId(tx, survivorHolder);
  if (!survivorId) throw unknownPatient(record.survivor);
  const retiredHolder = patientIdByIdentifiers(tx, record.retired);
  if (!retiredHolder) throw unknownPatient(record.retired);
  if (retiredHolder === survivorId || survivingPatientId(tx, retiredHolder) === survivorId) return { patientId: survivorId, outcome: 'unchanged', detail: { rule: 'already-merged' } };
  const merge = mergeIn(tx, ctx, survivorId, retiredHolder, { origin: 'hl7', reason: `HL7 A40 ${record.key}` });
  return { patientId: survivorId, outcome: 'updated', detail: { rule: 'hl7-merge', mergeId: merge.id, mergedId: retiredHolder, changed: ['merge'] } };
}

function applyUpsert(tx: Tx, ctx: ServiceContext, run: ImportRun, record: UpsertRecord, origin: { source: string; assertedAt: string }): { patientId: string; outcome: Outcome; detail: Record<string, unknown> } {
  let patientId: string;
  let outcome: Outcome = 'unchanged';
  const changed: string[] = [];
  let rule: unknown = null;
  if (record.person) {
    const resolved = resolvePatient(tx, ctx, record.person, { assertedAt: record.assertedAt, runId: run.id, source: run.source, recordKey: record.key });
    if (!resolved.patientId) throw needsReview(`Cannot tell which patient this is (${String(resolved.explanation?.rule)}); sent to review.`);
    patientId = resolved.patientId;
    rule = resolved.explanation?.rule ?? null;
    if (resolved.decision === 'created' || resolved.decision === 'linked' || resolved.decision === 'review') outcome = resolved.decision;
    if (resolved.decision === 'linked' || resolved.decision === 'updated') {
      const demographics = applySourcedDemographics(tx, ctx, patientId, record.person, origin);
      if (demographics.length > 0) ctx.patientIndex.touched(patientId);
      changed.push(...demographics);
      if (addIdentifiers(tx, patientId, record.person.identifiers) > 0) changed.push('identifiers');
    }
  } else {
    const found = patientIdByIdentifiers(tx, record.subject);
    const current = found === undefined ? undefined : survivingPatientId(tx, found);
    if (!current) throw unknownPatient(record.subject);
    patientId = current;
  }
  for (const e of record.encounters) {
    let departmentId: string | undefined;
    if (e.departmentCode) {
      departmentId = departmentIdByCode(tx, e.departmentCode);
      if (!departmentId) throw unknownDepartment(e.departmentCode);
    }
    const result = upsertEncounterFromSource(tx, ctx, patientId, {
      sourceSystem: e.source.system,
      sourceId: e.source.id,
      class: e.class,
      status: e.status,
      departmentId,
      attendingDoctorName: e.attendingDoctorName,
      startAt: e.startAt,
      endAt: e.endAt,
      summary: e.summary,
      diagnoses: e.diagnoses,
      procedures: e.procedures,
    });
    if (result !== 'unchanged') changed.push(`encounter:${result}`);
    // An outpatient visit HIS reports as begun or done completes the patient's appointment of that day there.
    if (e.class === 'outpatient' && (e.status === 'in-progress' || e.status === 'finished') && e.startAt) {
      if (completeFromHis(tx, ctx, { patientId, departmentId: departmentId ?? null, at: new Date(e.startAt) })) changed.push('appointment:completed');
    }
  }
  for (const a of record.allergies) if (addAllergyIfNew(tx, ctx, patientId, a)) changed.push('allergy');
  for (const o of record.observations) {
    if (repo.observationExists(tx, o.source.system, o.source.id)) continue;
    repo.insertObservation(tx, {
      id: newId(),
      patientId,
      sourceSystem: o.source.system,
      sourceId: o.source.id,
      code: o.code ?? null,
      text: o.text,
      value: o.value ?? null,
      unit: o.unit ?? null,
      referenceRange: o.referenceRange ?? null,
      flag: o.flag ?? null,
      observedAt: o.observedAt,
      createdAt: ctx.now.toISOString(),
    });
    changed.push('observation');
  }
  if (outcome === 'unchanged' && changed.length > 0) outcome = 'updated';
  return { patientId, outcome, detail: { rule, changed: [...new Set(changed)] } };
}

export interface ImportReport {
  id: string;
  format: ImportFormat;
  source: string;
  received: number;
  created: number;
  updated: number;
  unchanged: number;
  linked: number;
  review: number;
  quarantined: number;
  durationMs: number;
  problems: ImportRun['problems'];
}

/** Stores the run's report and returns it. */
export function finishRun(ctx: ServiceContext, run: ImportRun): ImportReport {
  const durationMs = Math.round(performance.now() - run.startedMs);
  const actorId = `${ctx.actor.kind}:${ctx.actor.id}`;
  inTransaction(ctx, (tx) =>
    repo.insertRun(tx, { id: run.id, format: run.format, source: run.source, channel: run.channel, actorId, startedAt: run.startedAt.toISOString(), durationMs, ...run.counts }),
  );
  return { id: run.id, format: run.format, source: run.source, ...run.counts, durationMs, problems: run.problems };
}
