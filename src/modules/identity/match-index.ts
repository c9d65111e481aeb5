import { newId } from '../../lib/ids.js';
import { blockingKeys } from './blocking.js';
import { CandidateDigests } from './candidate-digests.js';
import { textHash } from './digest-numbers.js';
import { compareRecords } from './comparators.js';
import { invalidMatchRecord } from './identity.errors.js';
import { MatchRecord } from './identity.schemas.js';
import type { FieldComparison, MatchDecision, MatchExplanation } from './identity.schemas.js';
import type { MatchConfig } from './match-config.js';
import { prepareRecord } from './prepared-record.js';
import type { PreparedRecord } from './prepared-record.js';
import { weightTable } from './weights.js';
import type { WeightTable } from './weights.js';

interface Best { personId: string; record: PreparedRecord; score: number; fields: FieldComparison[] }

export interface MatchIndexOptions {
  /** Ids for new people (default UUIDv7); the evaluation passes a counter to stay deterministic. */
  newPersonId?: () => string;
  weights?: WeightTable;
  /**
   * Keep the exact maps for the deterministic links (default true). The service index leaves them out: there
   * the patients table answers identifier and resident-ID links, and a million-entry map would only cost memory.
   */
  deterministic?: boolean;
}

/**
 * The patient index in memory: every record seen so far, under the person it belongs to, with blocking maps to
 * find candidates and exact maps for the deterministic links. Fill it with `load` (people already known, e.g.
 * the patients table at start) and feed new records through `add`; it is the state the import pipeline keeps
 * beside the database, which stays the record of truth.
 */
export class MatchIndex {
  /**
   * The records by slot, in parallel arrays rather than an object per slot: the search reads a thousand slots per
   * record in a big index, and each object is one more cache miss. A forgotten slot keeps its place (blocks still
   * point at it) with personId '' and its digest marked gone, which the search checks first.
   */
  private readonly records: PreparedRecord[] = [];
  private readonly personIds: string[] = [];
  /** Each record's trusted resident ID (see trustedResidentId), computed once. */
  private readonly trusted: (string | null)[] = [];
  private readonly digests = new CandidateDigests();
  /** Blocking key → slots; a key held by one record (a phone, a resident ID) keeps the bare slot, not an array. */
  private readonly blocks = new Map<string, number | number[]>();
  private readonly byIdentifier = new Map<string, string>();
  private readonly byResidentId = new Map<string, string>();
  /** Slot of each record loaded under its own key (a patient file's id), so that it can be replaced. */
  private readonly byKey = new Map<string, number>();
  private readonly weights: WeightTable;
  private readonly newPersonId: () => string;
  private readonly deterministic: boolean;
  private forgotten = 0;
  private readonly candidates: number[] = [];

  constructor(
    readonly config: MatchConfig,
    options: MatchIndexOptions = {},
  ) {
    if (config.reviewThreshold > config.linkThreshold) {
      throw new RangeError(`the review threshold (${config.reviewThreshold}) must not exceed the link threshold (${config.linkThreshold})`);
    }
    this.weights = options.weights ?? weightTable();
    this.newPersonId = options.newPersonId ?? newId;
    this.deterministic = options.deterministic ?? true;
  }

  /** Records held (forgotten ones excluded). */
  get size(): number {
    return this.records.length - this.forgotten;
  }

  /** Decides where the record belongs and keeps it there: under the linked person, or under a new one. */
  add(input: MatchRecord): MatchDecision {
    const record = prepareRecord(parseRecord(input));
    const decision = this.decide(record);
    this.store(record, decision.personId);
    return decision;
  }

  /** Decides without keeping the record: for a preview, or a second opinion after a reviewer's change. */
  match(input: MatchRecord): MatchDecision {
    return this.decide(prepareRecord(parseRecord(input)));
  }

  /** The same for a record the caller prepared (and checked) itself, so that it can keep it without preparing twice. */
  matchPrepared(record: PreparedRecord): MatchDecision {
    return this.decide(record);
  }

  /**
   * Keeps a record under a person decided elsewhere (an existing patient file, a reviewer's link). With a `key`
   * (the patient file's own id) a later load or `forget` of the same key replaces it.
   */
  load(input: MatchRecord, personId: string, key?: string): void {
    this.loadPrepared(prepareRecord(parseRecord(input)), personId, key);
  }

  loadPrepared(record: PreparedRecord, personId: string, key?: string): void {
    if (key !== undefined) this.forget(key);
    const position = this.store(record, personId);
    if (key !== undefined) this.byKey.set(key, position);
  }

  /** Drops the record loaded under `key`, if any (a file deactivated, or about to be reloaded). */
  forget(key: string): boolean {
    const position = this.byKey.get(key);
    if (position === undefined) return false;
    this.personIds[position] = '';
    this.digests.forget(position);
    this.byKey.delete(key);
    this.forgotten++;
    return true;
  }

  /**
   * After a reviewer links or merges two patient files: every record of `mergedId` now belongs to `survivorId`,
   * deterministic links included. A scan of the index, as merges are rare and reviewed by hand.
   */
  merge(survivorId: string, mergedId: string): number {
    let moved = 0;
    for (let position = 0; position < this.personIds.length; position++) {
      if (this.personIds[position] !== mergedId) continue;
      this.personIds[position] = survivorId;
      moved++;
    }
    for (const map of [this.byIdentifier, this.byResidentId]) {
      for (const [key, personId] of map) if (personId === mergedId) map.set(key, survivorId);
    }
    return moved;
  }

  private decide(record: PreparedRecord): MatchDecision {
    const { linkThreshold, reviewThreshold } = this.config;
    const base = { linkThreshold, reviewThreshold, candidatesCompared: 0, heldForReview: null, ruledOut: null };
    for (const [system, value] of record.identifiers) {
      const personId = this.byIdentifier.get(identifierKey(record.source, system, value));
      if (personId !== undefined) return deterministic(personId, { ...base, method: 'identifier' });
    }
    const residentKey = trustedResidentId(record);
    const byResident = residentKey === null ? undefined : this.byResidentId.get(residentKey);
    if (byResident !== undefined) return deterministic(byResident, { ...base, method: 'resident_id' });

    const { best, runnerUp, compared, ruledOut } = this.bestCandidate(record);
    const explanation: MatchExplanation = {
      ...base,
      method: 'probabilistic',
      candidatesCompared: compared,
      candidatePersonId: best?.personId ?? null,
      candidateRecord: best ? { source: best.record.source, sourceRecordId: best.record.sourceRecordId } : null,
      score: best?.score ?? null,
      fields: best?.fields ?? [],
      ruledOut: best ? ruleOutReason(record, best) : ruledOut > 0 ? RULED_OUT_BY_RESIDENT_ID : null,
      heldForReview: null,
    };
    if (best && explanation.ruledOut === null && best.score >= linkThreshold) explanation.heldForReview = holdReason(best, runnerUp, this.config.ambiguityMargin);
    if (best && explanation.ruledOut === null && best.score >= linkThreshold && explanation.heldForReview === null) {
      return { decision: 'linked', personId: best.personId, score: best.score, explanation };
    }
    const decision = best && explanation.ruledOut === null && best.score >= reviewThreshold ? 'review' : 'new';
    return { decision, personId: this.newPersonId(), score: best?.score ?? null, explanation };
  }

  /**
   * The best-scoring candidate, and the best score of any other person that also reaches the link threshold
   * (a runner-up): two people who both look like the record is a question for a person, not for the engine.
   */
  private bestCandidate(record: PreparedRecord): { best: Best | null; runnerUp: number | null; compared: number; ruledOut: number } {
    // Candidates deduplicated with a mark in their digest rather than a Set: a record of a big index gathers
    // hundreds, and the mark brings in the cache line its digest is read from next.
    const digests = this.digests;
    digests.startSearch();
    const seen = this.candidates;
    seen.length = 0;
    const add = (position: number) => {
      if (digests.gather(position)) seen.push(position);
    };
    // The smallest blocks first: their candidates share the most with the record, so the best is usually met early
    // and its score prunes the deep blocks' candidates (the outcome does not depend on the order, see below).
    const blocks: number[][] = [];
    for (const key of blockingKeys(record)) {
      const block = this.blocks.get(key);
      if (block === undefined) continue;
      if (typeof block === 'number') add(block);
      else if (block.length <= this.config.maxBlockSize) blocks.push(block);
    }
    blocks.sort((x, y) => x.length - y.length);
    for (const block of blocks) for (const position of block) add(position);
    this.digests.prepare(record, this.weights);
    let best: Best | null = null;
    let bestPosition = Infinity;
    let runnerUp: number | null = null;
    const { linkThreshold, reviewThreshold } = this.config;
    const mine = trustedResidentId(record);
    const mineHash = mine === null ? 0 : textHash(mine);
    let ruledOut = 0;
    let forgotten = 0;
    for (const position of seen) {
      if (digests.gone(position)) {
        forgotten++;
        continue;
      }
      // Two trusted resident IDs that differ rule the candidate out whatever else agrees (ruleOutReason): MOD 11-2
      // catches every single-digit slip and swap, so two valid numbers are never one person's typo. Skipping them
      // here, before any comparison, is most of what keeps a big index fast.
      if (mine !== null && digests.otherResidentId(position, mine, mineHash, this.trusted)) {
        ruledOut++;
        continue;
      }
      // Only a candidate that can reach the review threshold changes the decision, and once one has, only a better
      // one (or another person reaching the link threshold, the runner-up): the rest are dropped on a bound.
      const mustReach = best === null ? reviewThreshold : Math.min(best.score, linkThreshold);
      // Most candidates are dropped here, on their digest, without reading their records.
      if (!digests.mayReach(position, this.records, mustReach - BOUND_SLACK)) continue;
      const candidate = this.records[position]!;
      const comparison = compareRecords(record, candidate, this.weights, mustReach);
      if (comparison === null) continue;
      const { score, fields } = comparison;
      const personId = this.personIds[position]!;
      // Ties go to the earlier record, so the outcome does not depend on the order of the blocking keys.
      if (best === null || score > best.score || (score === best.score && position < bestPosition)) {
        if (best !== null && best.personId !== personId && best.score >= linkThreshold) runnerUp = Math.max(runnerUp ?? -Infinity, best.score);
        best = { personId, record: candidate, score, fields };
        bestPosition = position;
      } else if (best.personId !== personId && score >= linkThreshold) {
        runnerUp = Math.max(runnerUp ?? -Infinity, score);
      }
    }
    return { best, runnerUp, compared: seen.length - forgotten, ruledOut };
  }

  private store(record: PreparedRecord, personId: string): number {
    const position = this.records.length;
    const trusted = trustedResidentId(record);
    this.records.push(record);
    this.digests.set(position, record, trusted);
    this.personIds.push(personId);
    this.trusted.push(trusted);
    for (const key of blockingKeys(record)) {
      const block = this.blocks.get(key);
      if (block === undefined) this.blocks.set(key, position);
      else if (typeof block === 'number') this.blocks.set(key, [block, position]);
      else block.push(position);
    }
    if (!this.deterministic) return position;
    for (const [system, value] of record.identifiers) {
      const key = identifierKey(record.source, system, value);
      if (!this.byIdentifier.has(key)) this.byIdentifier.set(key, personId);
    }
    const residentKey = trustedResidentId(record);
    if (residentKey !== null && !this.byResidentId.has(residentKey)) this.byResidentId.set(residentKey, personId);
    return position;
  }
}

/** The digests' bound is summed in another order than the score: never drop a candidate on a rounding difference. */
const BOUND_SLACK = 1e-9;

const RULED_OUT_BY_RESIDENT_ID = 'different resident ID numbers, each consistent with its record';

function parseRecord(input: MatchRecord): MatchRecord {
  const parsed = MatchRecord.safeParse(input);
  if (!parsed.success) {
    throw invalidMatchRecord(parsed.error.issues.map((issue) => ({ field: issue.path.join('.'), code: issue.code, message: issue.message })));
  }
  return parsed.data;
}

function deterministic(personId: string, explanation: Omit<MatchExplanation, 'candidatePersonId' | 'candidateRecord' | 'score' | 'fields'>): MatchDecision {
  return { decision: 'linked', personId, score: null, explanation: { ...explanation, candidatePersonId: personId, candidateRecord: null, score: null, fields: [] } };
}

function identifierKey(source: string, system: string, value: string): string {
  return `${source}\u0000${system}\u0000${value}`;
}

/**
 * A resident ID links without scoring only when its check character is right and its embedded birth date
 * agrees with the record's: children are often registered under a parent's ID, and a mistyped ID must not
 * pull two people together.
 */
function trustedResidentId(record: PreparedRecord): string | null {
  if (!record.residentIdValid || record.residentId === null) return null;
  if (record.birth !== null && record.birth !== record.residentId.slice(6, 14)) return null;
  return record.residentId;
}

/**
 * Two valid resident IDs that differ by more than a keying error, each agreeing with its own record's birth
 * date, belong to two people (twins, usually): the MOD 11-2 check makes a typo that stays valid very unlikely.
 * When an ID contradicts its record (a child registered under a parent's number) this rule stays out of it.
 */
function ruleOutReason(record: PreparedRecord, best: Best): string | null {
  const mine = trustedResidentId(record);
  const theirs = trustedResidentId(best.record);
  const level = best.fields.find((f) => f.field === 'residentId')?.level;
  return mine !== null && theirs !== null && level === 'different' ? RULED_OUT_BY_RESIDENT_ID : null;
}

/** Evidence that no score outweighs: it sends a high-scoring pair to a person instead of linking it. */
function holdReason(best: Best, runnerUp: number | null, margin: number): string | null {
  if (runnerUp !== null && best.score - runnerUp < margin) {
    return `another person scores almost as high (${runnerUp.toFixed(1)} against ${best.score.toFixed(1)}): possibly a duplicate patient file`;
  }
  const level = (field: string) => best.fields.find((f) => f.field === field)?.level;
  // A valid ID against one that fails its check or contradicts its birth date: someone typed a wrong number.
  if (level('residentId') === 'different') return 'different resident ID numbers, at least one of them doubtful';
  // Twins share surname, birth date, address and often a parent's phone; only a personal number tells them apart.
  const personalNumberAgrees = ['residentId', 'identifier'].some((field) => level(field) === 'exact' || level(field) === 'close');
  const given = best.fields.find((f) => f.field === 'givenName');
  const birth = level('birthDate');
  // Twins' given names often share a character (兰雪/兰宁), so a partial agreement counts as different here.
  const givenDiffers = (given?.level === 'different' || given?.level === 'partial') && given.note !== 'names swapped';
  if ((birth === 'exact' || birth === 'close') && givenDiffers && !personalNumberAgrees) {
    return 'same or nearly the same birth date but different given names: possibly twins or siblings';
  }
  return null;
}
