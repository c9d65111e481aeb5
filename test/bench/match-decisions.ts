import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GIVEN_FEMALE, GIVEN_MALE, REGIONS, SURNAMES } from '../../src/demo/catalog-people.js';
import type { LabelledRecord } from '../../src/modules/identity/evaluation.js';
import { parseFebrl } from '../../src/modules/identity/febrl.js';
import { DEFAULT_MATCH_CONFIG } from '../../src/modules/identity/match-config.js';
import { MatchIndex } from '../../src/modules/identity/match-index.js';
import type { MatchDecision } from '../../src/modules/identity/identity.schemas.js';
import { matchRecordOf } from '../../src/modules/identity/patient-index.js';
import { prepareRecord } from '../../src/modules/identity/prepared-record.js';
import { chineseSet } from '../identity/chinese-set.js';
import { residentIdFor } from '../helpers/factories.js';
import { note } from './report.js';

/**
 * `npx tsx test/bench/match-decisions.ts OUT [INDEX_ROWS]`: every decision of the patient index, one JSON line each,
 * for FEBRL 4 (4a then 4b), FEBRL 1, the Chinese sets (2,000 and 20,000 originals), and, with INDEX_ROWS, the imports
 * bench's case without a database: an index of INDEX_ROWS bench-CSV patients, then 5,000 of the bench's MLLP A28
 * people matched and kept as the pipeline keeps them. Run it on two checkouts and compare the files (`cmp`): a change
 * meant to be only faster must leave them identical. The candidate count is left out (pruning may change it) and
 * the time per match of the last part is printed.
 */
const [out, indexRows] = process.argv.slice(2);
if (out === undefined) {
  note('usage: npx tsx test/bench/match-decisions.ts OUT [INDEX_ROWS]');
  process.exit(2);
}
const FEBRL_DIR = process.env['FEBRL_DIR'] ?? fileURLToPath(new URL('../../../shared/data/febrl/', import.meta.url));
const febrl = (...files: string[]) => files.flatMap((file) => parseFebrl(file, readFileSync(join(FEBRL_DIR, file), 'utf8')).rows);
const lines: string[] = [];
const line = (set: string, i: number, d: MatchDecision) => {
  const { candidatesCompared: _, ...explanation } = d.explanation;
  lines.push(JSON.stringify([set, i, d.decision, d.personId, d.score, explanation]));
};

const sets: [string, () => LabelledRecord[]][] = [
  ['febrl4', () => febrl('dataset4a.csv', 'dataset4b.csv')],
  ['febrl1', () => febrl('dataset1.csv')],
  ['chinese', () => chineseSet({ originals: 2000 })],
  ['chinese_20k', () => chineseSet({ originals: 20_000 })],
];
for (const [name, records] of sets) {
  let next = 0;
  const index = new MatchIndex(DEFAULT_MATCH_CONFIG, { newPersonId: () => `p${++next}` });
  records().forEach(({ record }, i) => line(name, i, index.add(record)));
}

if (indexRows !== undefined) {
  // The imports bench's people (imports.bench.ts writeCsv and adtMessage), as the service index holds them.
  let next = 0;
  const index = new MatchIndex(DEFAULT_MATCH_CONFIG, { deterministic: false, newPersonId: () => `n${++next}` });
  const name = (n: number) => {
    const given = n % 2 === 0 ? GIVEN_MALE : GIVEN_FEMALE;
    return SURNAMES[(n * 7) % SURNAMES.length]![0].zh + given[(n * 13) % given.length]!.zh;
  };
  for (let i = 0; i < Number(indexRows); i++) {
    const male = i % 2 === 0;
    const birth = new Date(Date.UTC(1940, 0, 1) + ((i * 7919) % 25_568) * 86_400_000).toISOString().slice(0, 10);
    const region = String(110101 + (Math.floor(i / 25_568) % 5000)).padStart(6, '0');
    const residentId = residentIdFor(birth, male ? 'male' : 'female', region, Math.floor(i / (25_568 * 5000)) % 50);
    const place = REGIONS[i % REGIONS.length]!;
    const address = { province: place.province, city: place.city, district: place.district, detail: `人民路${i % 300}号` };
    const record = matchRecordOf({ name: name(i), gender: male ? 'male' : 'female', birthDate: birth, phone: `+8613${String(100000000 + i).slice(-9)}`, residentId, address });
    index.loadPrepared(prepareRecord(record), `c${i}`, `c${i}`);
  }
  const people = Array.from({ length: 5000 }, (_, n) => {
    const birth = `${1940 + (n % 70)}-${String(1 + (Math.floor(n / 70) % 12)).padStart(2, '0')}-${String(1 + (Math.floor(n / 840) % 28)).padStart(2, '0')}`;
    const address = { province: '上海市', city: '上海市', district: '黄浦区', detail: `人民路${n % 300}号` };
    return prepareRecord(matchRecordOf({ name: name(n), gender: n % 2 === 0 ? 'male' : 'female', birthDate: birth, phone: `+86139${String(10000000 + n).slice(-8)}`, residentId: null, address }));
  });
  for (const person of people) index.matchPrepared(person); // warm-up, nothing kept
  const started = performance.now();
  people.forEach((person, n) => {
    const d = index.matchPrepared(person);
    if (d.decision !== 'linked') index.loadPrepared(person, d.personId, `q${n}`);
    line(`bench_${indexRows}`, n, d);
  });
  note(`index of ${indexRows}: ${(((performance.now() - started) / people.length) * 1000).toFixed(0)} µs per match`);
}
writeFileSync(out, `${lines.join('\n')}\n`);
note(`${lines.length} decisions in ${out}`);
