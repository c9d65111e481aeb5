import type { MatchRecord } from './identity.schemas.js';
import { MatchIndex } from './match-index.js';
import type { MatchConfig } from './match-config.js';
import type { WeightTable } from './weights.js';

export interface LabelledRecord { entity: string; record: MatchRecord }

export interface MatchEvaluation {
  records: number;
  truePairs: number;
  linkedPairs: number;
  correctPairs: number;
  precision: number;
  recall: number;
  f1: number;
  /** Share of records sent to review (they stay separate people until a person decides). */
  reviewShare: number;
  recordsPerSecond: number;
  /** Records compared per incoming record: what blocking lets through, independent of the machine's speed. */
  candidatesPerRecord: number;
  decisions: { linked: number; review: number; new: number };
}

/**
 * Loads labelled records into a fresh index, in order, and scores the automatic links pairwise: every two
 * records that ended under one person are a predicted pair, every two with the same entity a true pair.
 */
export function evaluateMatching(records: readonly LabelledRecord[], config: MatchConfig, options: { weights?: WeightTable } = {}): MatchEvaluation {
  let next = 0;
  const index = new MatchIndex(config, { newPersonId: () => `p${++next}`, ...options });
  const personOf: string[] = [];
  const decisions = { linked: 0, review: 0, new: 0 };
  let candidates = 0;
  const started = performance.now();
  for (const { record } of records) {
    const decision = index.add(record);
    decisions[decision.decision]++;
    candidates += decision.explanation.candidatesCompared;
    personOf.push(decision.personId);
  }
  const seconds = (performance.now() - started) / 1000;

  const byPerson = new Map<string, number>();
  const byEntity = new Map<string, number>();
  const byBoth = new Map<string, number>();
  records.forEach(({ entity }, i) => {
    const person = personOf[i]!;
    byPerson.set(person, (byPerson.get(person) ?? 0) + 1);
    byEntity.set(entity, (byEntity.get(entity) ?? 0) + 1);
    byBoth.set(`${person}\u0000${entity}`, (byBoth.get(`${person}\u0000${entity}`) ?? 0) + 1);
  });
  const pairs = (counts: Map<string, number>) => [...counts.values()].reduce((sum, n) => sum + (n * (n - 1)) / 2, 0);
  const truePairs = pairs(byEntity);
  const linkedPairs = pairs(byPerson);
  const correctPairs = pairs(byBoth);
  const precision = linkedPairs === 0 ? 1 : correctPairs / linkedPairs;
  const recall = truePairs === 0 ? 1 : correctPairs / truePairs;
  return {
    records: records.length,
    truePairs,
    linkedPairs,
    correctPairs,
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    reviewShare: records.length === 0 ? 0 : decisions.review / records.length,
    recordsPerSecond: seconds === 0 ? 0 : records.length / seconds,
    candidatesPerRecord: records.length === 0 ? 0 : candidates / records.length,
    decisions,
  };
}
