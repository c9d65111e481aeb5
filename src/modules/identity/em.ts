import { blockingKeys } from './blocking.js';
import { compareRecords } from './comparators.js';
import { MatchRecord } from './identity.schemas.js';
import type { AgreementLevel, FieldName } from './identity.schemas.js';
import { prepareRecord } from './prepared-record.js';
import { FIELD_MODELS, weightTable } from './weights.js';
import type { FieldModel, LevelProbabilities } from './weights.js';

const LEVELS = ['exact', 'close', 'partial', 'different'] as const;
type Level = (typeof LEVELS)[number];

export interface EmResult {
  models: Record<FieldName, FieldModel>;
  /** Estimated share of compared pairs that are the same person. */
  matchShare: number;
  pairs: number;
  iterations: number;
}

/**
 * Fits m and u to unlabelled records by expectation–maximisation (Fellegi–Sunter with conditional independence,
 * as in Winkler 1988 and the fastLink and Splink tools): every pair of records that shares a blocking key is
 * compared once, and the agreement patterns are explained as a mixture of "same person" and "different people".
 * Starts from the hand-set defaults; missing fields take no part. Used by `match:eval --em` to check that the
 * defaults are where the data would put them; the engine itself runs on the defaults unless given a table.
 */
export function estimateFieldModels(records: readonly MatchRecord[], options: { iterations?: number; tolerance?: number } = {}): EmResult {
  const { iterations = 50, tolerance = 1e-6 } = options;
  const fields = Object.keys(FIELD_MODELS) as FieldName[];
  const patterns = comparedPatterns(records, fields);
  const models = structuredClone(FIELD_MODELS);
  let matchShare = 0.01;
  let done = 0;
  for (; done < iterations; done++) {
    const mSums = fields.map(() => ({ exact: 0, close: 0, partial: 0, different: 0 }));
    const uSums = fields.map(() => ({ exact: 0, close: 0, partial: 0, different: 0 }));
    let matchTotal = 0;
    for (const { levels, count } of patterns.values()) {
      let m = matchShare;
      let u = 1 - matchShare;
      levels.forEach((level, f) => {
        if (level === 'missing') return;
        m *= models[fields[f]!].m[level];
        u *= models[fields[f]!].u[level];
      });
      const g = m / (m + u);
      matchTotal += g * count;
      levels.forEach((level, f) => {
        if (level === 'missing') return;
        mSums[f]![level] += g * count;
        uSums[f]![level] += (1 - g) * count;
      });
    }
    const nextShare = matchTotal / pairCount(patterns);
    let change = Math.abs(nextShare - matchShare);
    matchShare = nextShare;
    fields.forEach((field, f) => {
      const m = normalised(mSums[f]!);
      const u = normalised(uSums[f]!);
      for (const level of LEVELS) change = Math.max(change, Math.abs(m[level] - models[field].m[level]), Math.abs(u[level] - models[field].u[level]));
      models[field] = { m, u };
    });
    if (change < tolerance) break;
  }
  return { models, matchShare, pairs: pairCount(patterns), iterations: done };
}

/** Agreement patterns of all blocked pairs, counted: far fewer distinct patterns than pairs. */
function comparedPatterns(records: readonly MatchRecord[], fields: FieldName[]): Map<string, { levels: AgreementLevel[]; count: number }> {
  const weights = weightTable();
  const prepared = records.map((record) => prepareRecord(MatchRecord.parse(record)));
  const blocks = new Map<string, number[]>();
  const patterns = new Map<string, { levels: AgreementLevel[]; count: number }>();
  prepared.forEach((record, i) => {
    const partners = new Set<number>();
    for (const key of blockingKeys(record)) {
      const block = blocks.get(key);
      if (block === undefined) blocks.set(key, [i]);
      else {
        for (const j of block) partners.add(j);
        block.push(i);
      }
    }
    for (const j of partners) {
      const comparison = compareRecords(record, prepared[j]!, weights)!;
      const byField = new Map(comparison.fields.map((f) => [f.field, f.level]));
      const levels = fields.map((field) => byField.get(field) ?? 'missing');
      const key = levels.join(',');
      const seen = patterns.get(key);
      if (seen === undefined) patterns.set(key, { levels, count: 1 });
      else seen.count++;
    }
  });
  return patterns;
}

function pairCount(patterns: Map<string, { count: number }>): number {
  let total = 0;
  for (const { count } of patterns.values()) total += count;
  return total;
}

/** Proportions with a small floor, so that a level never seen keeps a finite weight. */
function normalised(sums: Record<Level, number>): LevelProbabilities {
  const floor = 1e-6;
  const total = LEVELS.reduce((sum, level) => sum + sums[level] + floor, 0);
  return { exact: (sums.exact + floor) / total, close: (sums.close + floor) / total, partial: (sums.partial + floor) / total, different: (sums.different + floor) / total };
}
