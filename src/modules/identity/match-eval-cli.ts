import { readFileSync } from 'node:fs';
import { ConfigError, loadConfig } from '../../config.js';
import { emit } from '../../lib/figures.js';
import { estimateFieldModels } from './em.js';
import { evaluateMatching } from './evaluation.js';
import type { LabelledRecord } from './evaluation.js';
import { parseFebrl } from './febrl.js';
import { weightTable } from './weights.js';

/**
 * `npm run match:eval -- FILE...`: loads FEBRL-layout CSV files, in order, into one fresh patient index and
 * prints precision, recall and F1 of the automatic links, the review share and records per second, one JSON
 * figure line each (the benchmarks' format, hence report.ts). Thresholds come from the environment as at start.
 * A missing file, a wrong header or a bad row is named on stderr with its file and line and skipped; the rest
 * is still evaluated. Exit 0: clean input; 1: some input was skipped; 2: nothing to evaluate.
 * `--em` first fits m and u to the input by EM (ignoring the truth) and matches with those weights instead of
 * the hand-set defaults.
 */
const args = process.argv.slice(2).filter((arg) => arg !== '--');
const useEm = args.includes('--em');
const files = args.filter((arg) => !arg.startsWith('--'));
const unknownOptions = args.filter((arg) => arg.startsWith('--') && arg !== '--em');
if (files.length === 0 || unknownOptions.length > 0) {
  process.stderr.write('usage: npm run match:eval -- [--em] FILE.csv [FILE.csv …]   (FEBRL layout; truth in rec_id)\n');
  process.exit(2);
}

let config;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
}

const records: LabelledRecord[] = [];
let problems = 0;
for (const file of files) {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    problems++;
    process.stderr.write(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}); skipped\n`);
    continue;
  }
  const parsed = parseFebrl(file, text);
  for (const problem of parsed.problems) {
    problems++;
    process.stderr.write(`${problem.file}${problem.line === null ? '' : `:${problem.line}`}: ${problem.message}; skipped\n`);
  }
  records.push(...parsed.rows);
}
if (records.length === 0) {
  process.stderr.write('no valid rows to evaluate\n');
  process.exit(2);
}

let weights;
if (useEm) {
  const fitted = estimateFieldModels(records.map((r) => r.record));
  process.stderr.write(`EM: ${fitted.pairs} blocked pairs, estimated match share ${fitted.matchShare.toFixed(4)}, ${fitted.iterations} iterations\n`);
  weights = weightTable(fitted.models);
}
const result = evaluateMatching(records, config.match, { weights });
process.stderr.write(
  `${result.records} records: ${result.decisions.linked} linked, ${result.decisions.review} to review, ${result.decisions.new} new; ` +
    `${result.correctPairs} of ${result.linkedPairs} linked pairs correct, ${result.truePairs} true pairs\n`,
);
emit('matching', 'precision', result.precision, 'ratio');
emit('matching', 'recall', result.recall, 'ratio');
emit('matching', 'f1', result.f1, 'ratio');
emit('matching', 'review_share', result.reviewShare, 'ratio');
emit('matching', 'records_per_second', result.recordsPerSecond, 'records/s');
if (problems > 0) process.exitCode = 1;
