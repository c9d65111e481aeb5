import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { estimateFieldModels } from '../../src/modules/identity/em.js';
import { evaluateMatching } from '../../src/modules/identity/evaluation.js';
import type { LabelledRecord, MatchEvaluation } from '../../src/modules/identity/evaluation.js';
import { parseFebrl } from '../../src/modules/identity/febrl.js';
import { MatchRecord } from '../../src/modules/identity/identity.schemas.js';
import { DEFAULT_MATCH_CONFIG } from '../../src/modules/identity/match-config.js';
import { prepareRecord } from '../../src/modules/identity/prepared-record.js';
import { weightTable } from '../../src/modules/identity/weights.js';
import { chineseSet } from '../identity/chinese-set.js';
import { emit, note } from './report.js';

/**
 * Patient-index quality and speed (issue 5): FEBRL 4 (4a then 4b into one index), FEBRL 1 and the Chinese set.
 * The baseline, measured in the same run, is exact-match linking: records with the same normalised name and
 * birth date become one person. Its F1 shows what the probabilistic engine adds, its records/s what it costs.
 * FEBRL files are read from FEBRL_DIR (default: the shared data folder beside the repository).
 */
const FEBRL_DIR = process.env['FEBRL_DIR'] ?? fileURLToPath(new URL('../../../shared/data/febrl/', import.meta.url));

export async function run(): Promise<void> {
  const sets: { name: string; records: () => LabelledRecord[] | null }[] = [
    { name: 'febrl4', records: () => febrl('dataset4a.csv', 'dataset4b.csv') },
    { name: 'febrl1', records: () => febrl('dataset1.csv') },
    { name: 'chinese', records: () => chineseSet({ originals: 2000 }) },
    { name: 'chinese_20k', records: () => chineseSet({ originals: 20_000 }) },
  ];
  for (const set of sets) {
    const records = set.records();
    if (records === null) continue;
    // One warm-up pass so the JIT has compiled the comparators before the timed run.
    evaluateMatching(records.slice(0, 500), DEFAULT_MATCH_CONFIG);
    const result = evaluateMatching(records, DEFAULT_MATCH_CONFIG);
    const baseline = exactMatchBaseline(records);
    // Calibration check: weights fitted to the same records by EM (truth unused) against the hand-set defaults.
    const fitted = evaluateMatching(records, DEFAULT_MATCH_CONFIG, { weights: weightTable(estimateFieldModels(records.map((r) => r.record)).models) });
    note(
      `${set.name}: ${result.records} records, ${result.truePairs} true pairs; linked ${result.decisions.linked}, review ${result.decisions.review}, new ${result.decisions.new}; ` +
        `exact-match baseline F1 ${baseline.f1.toFixed(3)}`,
    );
    emitSet(set.name, result, baseline);
    emit('matching', `${set.name}_f1_em_weights`, fitted.f1, 'ratio', result.f1);
    emit('matching', `${set.name}_review_share_em_weights`, fitted.reviewShare, 'ratio', result.reviewShare);
  }
}

function emitSet(name: string, result: MatchEvaluation, baseline: MatchEvaluation): void {
  emit('matching', `${name}_precision`, result.precision, 'ratio', baseline.precision);
  emit('matching', `${name}_recall`, result.recall, 'ratio', baseline.recall);
  emit('matching', `${name}_f1`, result.f1, 'ratio', baseline.f1);
  emit('matching', `${name}_review_share`, result.reviewShare, 'ratio');
  emit('matching', `${name}_records_per_second`, result.recordsPerSecond, 'records/s', baseline.recordsPerSecond);
  emit('matching', `${name}_candidates_per_record`, result.candidatesPerRecord, 'records');
}

function febrl(...files: string[]): LabelledRecord[] | null {
  const paths = files.map((file) => join(FEBRL_DIR, file));
  const absent = paths.filter((path) => !existsSync(path));
  if (absent.length > 0) {
    note(`skipped: ${absent.join(', ')} not found (set FEBRL_DIR)`);
    return null;
  }
  return paths.flatMap((path) => parseFebrl(path, readFileSync(path, 'utf8')).rows);
}

/** Same validation and normalisation as the engine, then one map lookup on name + birth date: the cheapest linker. */
function exactMatchBaseline(records: readonly LabelledRecord[]): MatchEvaluation {
  const started = performance.now();
  const personOf = new Map<string, number>();
  const persons: number[] = [];
  for (const { record } of records) {
    const prepared = prepareRecord(MatchRecord.parse(record));
    const key = prepared.family && prepared.given && prepared.birth ? `${prepared.family.pinyin}|${prepared.given.pinyin}|${prepared.birth}` : null;
    const known = key === null ? undefined : personOf.get(key);
    const person = known ?? persons.length;
    if (known === undefined && key !== null) personOf.set(key, person);
    persons.push(person);
  }
  const seconds = (performance.now() - started) / 1000;
  return { ...pairwise(records, persons), recordsPerSecond: records.length / seconds, candidatesPerRecord: 0 };
}

function pairwise(records: readonly LabelledRecord[], persons: number[]): Omit<MatchEvaluation, 'recordsPerSecond' | 'candidatesPerRecord'> {
  const count = (keys: string[]) => {
    const counts = new Map<string, number>();
    for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
    return [...counts.values()].reduce((sum, n) => sum + (n * (n - 1)) / 2, 0);
  };
  const truePairs = count(records.map((r) => r.entity));
  const linkedPairs = count(persons.map(String));
  const correctPairs = count(records.map((r, i) => `${persons[i]}|${r.entity}`));
  const precision = linkedPairs === 0 ? 1 : correctPairs / linkedPairs;
  const recall = truePairs === 0 ? 1 : correctPairs / truePairs;
  const linked = persons.length - new Set(persons).size;
  return {
    records: records.length,
    truePairs,
    linkedPairs,
    correctPairs,
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    reviewShare: 0,
    decisions: { linked, review: 0, new: records.length - linked },
  };
}
