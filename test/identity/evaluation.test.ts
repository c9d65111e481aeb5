import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { estimateFieldModels } from '../../src/modules/identity/em.js';
import { evaluateMatching } from '../../src/modules/identity/evaluation.js';
import { weightTable } from '../../src/modules/identity/weights.js';
import { parseFebrl } from '../../src/modules/identity/febrl.js';
import { DEFAULT_MATCH_CONFIG } from '../../src/modules/identity/match-config.js';
import type { Figure } from '../bench/report.js';
import { chineseSet } from './chinese-set.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

/** Runs `npm run match:eval -- FILES` the way a person would (through tsx), and keeps its exit code. */
async function matchEval(...files: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/modules/identity/match-eval-cli.ts', ...files], { cwd: root });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const figures = (stdout: string) => stdout.trim().split('\n').map((line) => JSON.parse(line) as Figure);

describe('evaluating the index on FEBRL', () => {
  it('reads the FEBRL layout: truth from rec_id, one source per file', () => {
    const { rows, problems } = parseFebrl('dataset4a.csv', readFileSync(fixture('febrl4-a-sample.csv'), 'utf8'));
    expect(problems).toEqual([]);
    expect(rows).toHaveLength(250);
    expect(rows[0]).toMatchObject({ entity: '1070', record: { source: 'dataset4a', sourceRecordId: 'rec-1070-org', name: { given: 'michaela', family: 'neumann' } } });
  });

  it('reports a row whose value the index would refuse, and keeps the others', () => {
    const header = 'rec_id, given_name, surname, street_number, address_1, address_2, suburb, postcode, state, date_of_birth, soc_sec_id';
    const text = `${header}\nrec-1-org, ann, smith, 1, ${'x'.repeat(300)}, , town, 2000, nsw, 19700101, 1234567\nrec-2-org, bob, jones, 2, high street, , town, 2000, nsw, 19710101, 7654321\n`;
    const { rows, problems } = parseFebrl('long.csv', text);
    expect(rows.map((r) => r.entity)).toEqual(['2']);
    expect(problems).toEqual([{ file: 'long.csv', line: 2, message: expect.stringMatching(/^address\.street /) }]);
  });

  it('links FEBRL 4 duplicates across the two files with F1 above 0.99 and almost nothing in review', () => {
    const rows = ['febrl4-a-sample.csv', 'febrl4-b-sample.csv'].flatMap((name) => parseFebrl(name, readFileSync(fixture(name), 'utf8')).rows);
    const result = evaluateMatching(rows, DEFAULT_MATCH_CONFIG);
    expect(result.truePairs).toBe(250);
    expect(result.f1).toBeGreaterThanOrEqual(0.99);
    expect(result.reviewShare).toBeLessThanOrEqual(0.01);
  });

  it('prints precision, recall, F1, review share and records/s as figure lines', async () => {
    const { code, stdout } = await matchEval(fixture('febrl4-a-sample.csv'), fixture('febrl4-b-sample.csv'));
    expect(code).toBe(0);
    const lines = figures(stdout);
    expect(lines.map((f) => f.figure)).toEqual(['precision', 'recall', 'f1', 'review_share', 'records_per_second']);
    expect(lines[2]).toMatchObject({ bench: 'matching', figure: 'f1', unit: 'ratio', baseline: null, ratio: null });
    expect(lines[2]!.value).toBeGreaterThanOrEqual(0.99);
  });

  it('names the missing file, the wrong header and each malformed row, and still evaluates the valid rows', async () => {
    const { code, stdout, stderr } = await matchEval(fixture('no-such-file.csv'), fixture('wrong-header.csv'), fixture('febrl-malformed.csv'));
    expect(code).toBe(1);
    expect(stderr).toMatch(/no-such-file\.csv: cannot be read \(ENOENT\)/);
    expect(stderr).toMatch(/wrong-header\.csv:1: the header lacks rec_id, given_name/);
    expect(stderr).toMatch(/febrl-malformed\.csv:22: has 3 fields, the header has 11/);
    expect(stderr).toMatch(/febrl-malformed\.csv:43: rec_id "record-x" is not rec-N-org or rec-N-dup-K/);
    expect(stderr).toMatch(/^70 records:/m);
    expect(figures(stdout).find((f) => f.figure === 'f1')!.value).toBeGreaterThan(0.9);
  });

  it('says how to use it when given no file', async () => {
    const { code, stderr } = await matchEval();
    expect(code).toBe(2);
    expect(stderr).toMatch(/usage: npm run match:eval/);
  });
});

describe('fitting m and u by EM', () => {
  it('learns from unlabelled FEBRL records that agreement means a match, and matches as well with what it learnt', () => {
    const rows = ['febrl4-a-sample.csv', 'febrl4-b-sample.csv'].flatMap((name) => parseFebrl(name, readFileSync(fixture(name), 'utf8')).rows);
    const fitted = estimateFieldModels(rows.map((r) => r.record));
    expect(fitted.matchShare).toBeGreaterThan(0);
    expect(fitted.matchShare).toBeLessThan(1);
    for (const field of ['familyName', 'givenName', 'birthDate', 'postcode'] as const) {
      expect(fitted.models[field].m.exact, field).toBeGreaterThan(fitted.models[field].u.exact);
      expect(fitted.models[field].m.different, field).toBeLessThan(fitted.models[field].u.different);
    }
    expect(evaluateMatching(rows, DEFAULT_MATCH_CONFIG, { weights: weightTable(fitted.models) }).f1).toBeGreaterThanOrEqual(0.99);
  });
});

describe('the Chinese set', () => {
  it('is the same set on every run', () => {
    expect(chineseSet({ originals: 50 })).toEqual(chineseSet({ originals: 50 }));
  });

  it('holds homophones, pinyin spellings and twins, with the truth', () => {
    const rows = chineseSet({ originals: 400, twinShare: 0.05 });
    const names = rows.map((r) => r.record.name);
    expect(names.some((n) => n?.family !== undefined && /^[A-Z]/.test(n.family))).toBe(true);
    expect(new Set(rows.map((r) => r.entity)).size).toBeLessThan(rows.length);
    expect(rows.filter((r) => r.record.source === 'emr').length).toBeGreaterThan(100);
  });

  it('is linked with F1 at least 0.95 by the same engine', () => {
    const result = evaluateMatching(chineseSet({ originals: 600 }), DEFAULT_MATCH_CONFIG);
    expect(result.f1).toBeGreaterThanOrEqual(0.95);
    expect(result.precision).toBeGreaterThanOrEqual(0.99);
  });
});
