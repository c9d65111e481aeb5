/**
 * The patient index's public surface: what the import pipeline (and later the review queue) calls. The engine
 * is pure and in memory; the caller keeps the decisions (patient rows, review entries, explanations) in its
 * own transaction, and at start fills the index from the patients it already has with `loadPerson`.
 */
import type { Config } from '../../config.js';
import type { MatchDecision, MatchRecord } from './identity.schemas.js';
import { MatchIndex } from './match-index.js';
import type { MatchIndexOptions } from './match-index.js';

export { MatchIndex } from './match-index.js';
export type { MatchIndexOptions } from './match-index.js';
export type { MatchConfig } from './match-config.js';
export { DEFAULT_MATCH_CONFIG } from './match-config.js';
export { matchRecordFromPatient } from './patient-record.js';
export type { PatientDemographics } from './patient-record.js';
export { FieldComparison, MatchDecision, MatchExplanation, MatchRecord } from './identity.schemas.js';

export function createMatchIndex(config: Pick<Config, 'match'>, options: MatchIndexOptions = {}): MatchIndex {
  return new MatchIndex(config.match, options);
}

/**
 * Matches one incoming record and keeps it in the index: deterministic links first (same source and
 * identifier, then same trusted resident ID), then the Fellegi–Sunter score of the best candidate against the
 * two thresholds. `linked` names the existing person; `review` and `new` carry a fresh person id, and review
 * also names the candidate in `explanation.candidatePersonId`.
 */
export function matchIncomingRecord(index: MatchIndex, record: MatchRecord): MatchDecision {
  return index.add(record);
}

/** Puts a known person's records into the index without deciding anything (start-up, after a review). */
export function loadPerson(index: MatchIndex, personId: string, records: readonly MatchRecord[]): void {
  for (const record of records) index.load(record, personId);
}
