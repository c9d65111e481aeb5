import type { Tx } from '../../../db/client.js';
import type { ServiceContext } from '../../lib/context.js';
import { newId } from '../../lib/ids.js';
import { patientIdByIdentifiers, patientIdsByResidentId } from '../patients/patients.feeds.js';
import { survivingPatientId } from '../patients/patients.merge.js';
import type { MatchExplanation } from './identity.schemas.js';
import * as repo from './identity.repository.js';
import { matchRecordOf } from './patient-index.js';
import { prepareRecord, type PreparedRecord } from './prepared-record.js';
import type { MatchRecord } from './identity.schemas.js';

/** A person as a feed states them, in the patient file's terms (imports' canonical person fits). */
export interface IncomingPerson {
  name: string;
  gender: 'male' | 'female' | 'other' | 'unknown';
  birthDate?: string | null | undefined;
  residentId?: string | null | undefined;
  phone?: string | null | undefined;
  address?: { province?: string | null | undefined; city?: string | null | undefined; district?: string | null | undefined; detail?: string | null | undefined } | undefined;
  identifiers: { system: string; value: string }[];
}

/**
 * Which file an incoming person is:
 * - `updated`: a file already holds one of the record's identifiers (the same source's record of them);
 * - `linked`: the same trusted resident ID, or a Fellegi–Sunter score at or above the link threshold;
 * - `review`: a score between the thresholds (or held back by a rule): a new file, paired with `candidateId`;
 * - `new`: nobody close enough; `ambiguous`: several files share the resident ID (the record waits in quarantine).
 */
export type PersonDecision =
  | { decision: 'updated' | 'linked'; patientId: string; explanation: MatchExplanation }
  | { decision: 'review'; candidateId: string; explanation: MatchExplanation; prepared?: PreparedRecord }
  | { decision: 'new'; explanation: MatchExplanation; prepared?: PreparedRecord }
  | { decision: 'ambiguous'; candidates: string[] };

export function decidePerson(tx: Tx, ctx: ServiceContext, person: IncomingPerson): PersonDecision {
  const { linkThreshold, reviewThreshold } = ctx.patientIndex.config;
  const deterministic = (method: 'identifier' | 'resident_id', patientId: string): MatchExplanation => ({
    method,
    candidatePersonId: patientId,
    candidateRecord: null,
    candidatesCompared: 0,
    score: null,
    linkThreshold,
    reviewThreshold,
    fields: [],
    heldForReview: null,
    ruledOut: null,
  });
  const byIdentifier = patientIdByIdentifiers(tx, person.identifiers);
  const holder = byIdentifier === undefined ? undefined : survivingPatientId(tx, byIdentifier);
  if (holder !== undefined) return { decision: 'updated', patientId: holder, explanation: deterministic('identifier', holder) };

  const record: MatchRecord = matchRecordOf({
    name: person.name,
    gender: person.gender,
    birthDate: person.birthDate ?? null,
    residentId: person.residentId ?? null,
    phone: person.phone ?? null,
    address: { province: person.address?.province ?? null, city: person.address?.city ?? null, district: person.address?.district ?? null, detail: person.address?.detail ?? null },
  });
  // Built from the canonical person, already checked by the adapter: prepared directly, without a second parse.
  const prepared = prepareRecord(record);
  if (person.residentId && trusted(prepared)) {
    const owners = [...new Set(patientIdsByResidentId(tx, ctx, person.residentId).map((id) => survivingPatientId(tx, id)).filter((id) => id !== undefined))];
    if (owners.length === 1) return { decision: 'linked', patientId: owners[0]!, explanation: deterministic('resident_id', owners[0]!) };
    if (owners.length > 1) return { decision: 'ambiguous', candidates: owners };
  }

  const index = ctx.patientIndex.current(tx, ctx);
  const matched = index.matchPrepared(prepared);
  const explanation = matched.explanation;
  const candidate = explanation.candidatePersonId === null ? undefined : survivingPatientId(tx, explanation.candidatePersonId);
  if (candidate !== undefined && candidate !== explanation.candidatePersonId) explanation.candidatePersonId = candidate;
  if (matched.decision === 'linked' && candidate !== undefined) return { decision: 'linked', patientId: candidate, explanation };
  if (matched.decision === 'review' && candidate !== undefined) return { decision: 'review', candidateId: candidate, explanation, prepared };
  return { decision: 'new', explanation, prepared };
}

/** The resident ID passes its check and agrees with the birth date: only then does it link without a score. */
function trusted(prepared: PreparedRecord): boolean {
  return prepared.residentIdValid && (prepared.birth === null || prepared.birth === prepared.residentId!.slice(6, 14));
}

/**
 * Keeps the decision and its explanation; a `review` also opens a review pairing the new file with its candidate.
 * Returns the decision's id.
 */
export function recordDecision(
  tx: Tx,
  ctx: ServiceContext,
  decided: Exclude<PersonDecision, { decision: 'ambiguous' }>,
  patientId: string,
  meta: { source: string; recordKey: string | null; runId: string | null },
): string {
  const id = newId();
  const at = ctx.now.toISOString();
  const { explanation } = decided;
  repo.insertDecision(tx, {
    id,
    runId: meta.runId,
    source: meta.source,
    recordKey: meta.recordKey,
    decision: decided.decision === 'new' ? 'created' : decided.decision,
    method: explanation.method,
    patientId,
    candidatePatientId: explanation.candidatePersonId === patientId ? null : explanation.candidatePersonId,
    score: explanation.score,
    explanation: JSON.stringify(compact(explanation)),
    createdAt: at,
  });
  if (decided.decision === 'review') {
    repo.insertReview(tx, { id: newId(), decisionId: id, patientId, candidatePatientId: decided.candidateId, score: explanation.score, source: meta.source, status: 'open', createdAt: at });
  }
  return id;
}

/** Weights to two decimals and without the absent fields' zeros: the rows of a million imports stay small. */
function compact(e: MatchExplanation): MatchExplanation {
  return { ...e, score: e.score === null ? null : round(e.score), fields: e.fields.filter((f) => f.level !== 'missing').map((f) => ({ ...f, weight: round(f.weight) })) };
}

const round = (n: number) => Math.round(n * 100) / 100;
