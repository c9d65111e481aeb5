import type { Tx } from '../../../db/client.js';
import type { ServiceContext } from '../../lib/context.js';
import { newId } from '../../lib/ids.js';
import { patientForMatching, patientsForMatching, type MatchingPatient } from '../patients/patients.merge.js';
import * as repo from './identity.repository.js';
import type { MatchConfig } from './match-config.js';
import { MatchIndex } from './match-index.js';
import { matchRecordFromPatient } from './patient-record.js';
import type { MatchRecord } from './identity.schemas.js';
import type { PreparedRecord } from './prepared-record.js';

/** Every record in the service index has this source: see `matchRecordOf`. */
export const INDEX_SOURCE = 'hcrm';
const BUILD_PAGE = 5000;
const CATCH_UP_PAGE = 10_000;
/** A reader not heard from for this long no longer holds change rows back (it rebuilds if it returns). */
const READER_TTL_MS = 7 * 24 * 3600 * 1000;

export interface PatientIndexOptions {
  /** How many change rows the index reads between two records of its position and prunings (default 10,000). */
  pruneEvery?: number;
}

/**
 * The patient index of a running service: the in-memory MatchIndex over every active patient file (a merged
 * file's demographics stay in it as an alias of the survivor), kept in step with the patients table.
 *
 * - Built on first use, page by page in id order, inside the caller's transaction.
 * - Kept current from `identity_index_changes`, which triggers fill on every write to a patient's matching fields,
 *   by any writer (staff pages, imports, merges, another process on the same file): at the first
 *   decision of each transaction the index reloads the files changed since the last sequence number it read.
 *   Within a transaction nobody else can write (it holds the write lock), so it only catches up again when the
 *   transaction itself changed a file's demographics (`touched`). A rolled-back transaction leaves no change rows;
 *   if one rolled back after the index had read its rows (the sequence it remembers no longer holds the same
 *   change), the index is rebuilt.
 * - New files an import writes go in at once from the record it prepared (`adopt`), not read back, decrypted and
 *   prepared again; the importer takes them out again if their savepoint or transaction rolls back (`rollbackTo`,
 *   `discardUnconfirmed`).
 * - Each index records how far it has read (`identity_index_readers`) every `pruneEvery` change rows, and change
 *   rows every reader has read are deleted then, so the table stays small. A reader that rebuilds finds out
 *   when rows it had not read are gone (the row at its position, or the first rows, missing).
 * - Memory: one prepared record per active file (name parts shared between people with the same name), the
 *   blocking lists, and a map from file id to slot; no deterministic maps (the table answers those). The imports
 *   benchmark measures it (index_bytes_per_patient).
 */
export class PatientIndex {
  private index: MatchIndex | null = null;
  private seq = 0;
  private seqPatient: string | undefined;
  /** The transaction the index last caught up in, and whether that transaction has changed a file since. */
  private caughtUpIn: Tx | null = null;
  private dirty = false;
  /** Files adopted since the last catch-up, in order: their change rows are skipped, a rollback forgets them. */
  private readonly adopted = new Set<string>();
  private journal: string[] = [];
  /** This index among the readers of the change rows, and the position it last recorded (-1: not yet). */
  private readonly readerId = newId();
  private recordedSeq = -1;
  private readonly pruneEvery: number;
  builds = 0;

  constructor(
    readonly config: MatchConfig,
    options: PatientIndexOptions = {},
  ) {
    this.pruneEvery = options.pruneEvery ?? 10_000;
  }

  /** The index, brought up to date with every change committed or made earlier in this transaction. */
  current(tx: Tx, ctx: Pick<ServiceContext, 'cipher' | 'clock'>): MatchIndex {
    if (this.index !== null && tx === this.caughtUpIn && !this.dirty) return this.index;
    if (this.index !== null && this.missedChanges(tx)) this.index = null;
    const index = this.index ?? this.build(tx, ctx);
    for (;;) {
      const changes = repo.indexChangesAfter(tx, this.seq, CATCH_UP_PAGE);
      if (changes.length === 0) break;
      const seen = new Set<string>();
      for (const change of changes) {
        if (seen.has(change.patientId) || this.adopted.has(change.patientId)) continue;
        seen.add(change.patientId);
        this.reload(tx, ctx, change.patientId);
      }
      const last = changes.at(-1)!;
      this.seq = last.seq;
      this.seqPatient = last.patientId;
    }
    this.adopted.clear();
    this.journal = [];
    this.caughtUpIn = tx;
    this.dirty = false;
    if (this.recordedSeq < 0 || this.seq - this.recordedSeq >= this.pruneEvery) this.prune(tx, ctx.clock.now());
    return index;
  }

  /**
   * Rows this index has not read are gone: a transaction that rolled back after the index read its rows (the
   * row at the position it remembers holds another change, or none), or rows pruned while this reader was away.
   */
  private missedChanges(tx: Tx): boolean {
    if (this.seq > 0) return repo.indexChangeAt(tx, this.seq) !== this.seqPatient;
    const first = repo.firstIndexChangeSeq(tx);
    return first !== undefined && first > 1;
  }

  /** Records this reader's position and deletes the change rows every reader has read, in the caller's transaction. */
  private prune(tx: Tx, now: Date): void {
    repo.recordIndexReader(tx, this.readerId, this.seq, now.toISOString());
    repo.pruneIndexChanges(tx, new Date(now.getTime() - READER_TTL_MS).toISOString());
    this.recordedSeq = this.seq;
  }

  /** A new, active file the caller's transaction just wrote from this prepared record: in the index at once. */
  adopt(patientId: string, record: PreparedRecord): void {
    if (this.index === null) return;
    this.index.loadPrepared(record, patientId, patientId);
    this.adopted.add(patientId);
    this.journal.push(patientId);
  }

  /** The transaction changed this file's matching fields (a feed's newer phone, a merge): read it again. */
  touched(patientId: string): void {
    this.adopted.delete(patientId);
    this.dirty = true;
  }

  /** Where a savepoint starts, for `rollbackTo`. */
  mark(): number {
    return this.journal.length;
  }

  /** The savepoint rolled back: the files adopted since `mark` were never written. */
  rollbackTo(mark: number): void {
    for (const id of this.journal.slice(mark)) {
      this.index?.forget(id);
      this.adopted.delete(id);
    }
    this.journal.length = Math.min(this.journal.length, mark);
  }

  /** The whole transaction rolled back: forget what it adopted, and catch up afresh next time. */
  discardUnconfirmed(): void {
    this.rollbackTo(0);
    this.caughtUpIn = null;
    // The position it recorded in that transaction is gone with it.
    this.recordedSeq = -1;
  }

  /** Forgets everything; the next use rebuilds from the table. */
  invalidate(): void {
    this.index = null;
    this.caughtUpIn = null;
    this.adopted.clear();
    this.journal = [];
  }

  get size(): number {
    return this.index?.size ?? 0;
  }

  private build(tx: Tx, ctx: Pick<ServiceContext, 'cipher' | 'clock'>): MatchIndex {
    const index = new MatchIndex(this.config, { deterministic: false });
    const last = repo.lastIndexChange(tx);
    this.seq = last?.seq ?? 0;
    this.seqPatient = last?.patientId;
    for (let after = ''; ; ) {
      const page = patientsForMatching(tx, ctx, after, BUILD_PAGE);
      if (page.length === 0) break;
      for (const patient of page) loadInto(index, patient);
      after = page.at(-1)!.id;
    }
    this.index = index;
    this.adopted.clear();
    this.journal = [];
    // Registered again at once: a rebuild may follow this reader's registration lapsing.
    this.recordedSeq = -1;
    this.builds++;
    return index;
  }

  private reload(tx: Tx, ctx: Pick<ServiceContext, 'cipher'>, patientId: string): void {
    const patient = patientForMatching(tx, ctx, patientId);
    if (!patient) this.index!.forget(patientId);
    else loadInto(this.index!, patient);
  }
}

/** A file's record goes in under the file it stands for: itself, or the survivor it was merged into. */
function loadInto(index: MatchIndex, patient: MatchingPatient): void {
  const personId = patient.active ? patient.id : patient.mergedIntoId;
  if (personId === null) {
    index.forget(patient.id);
    return;
  }
  index.load(matchRecordOf(patient), personId, patient.id);
}

/**
 * Demographics in the index's terms. Every record, stored or incoming, carries the one source INDEX_SOURCE: the
 * comparators then leave identifiers out of the score (within one source a different number is another
 * registration, not evidence), and the patients table itself links equal identifiers deterministically.
 */
export function matchRecordOf(p: Omit<MatchingPatient, 'id' | 'active' | 'mergedIntoId' | 'identifiers'>): MatchRecord {
  return matchRecordFromPatient(
    {
      name: p.name,
      gender: p.gender,
      birthDate: p.birthDate,
      phone: p.phone,
      residentId: p.residentId,
      address: p.address,
      // Left out: equal identifiers are linked by the table, and a blocking list per MRN would only cost memory.
      identifiers: [],
    },
    INDEX_SOURCE,
  );
}
