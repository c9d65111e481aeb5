import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFebrl } from '../../src/modules/identity/febrl.js';
import { blockingKeys } from '../../src/modules/identity/blocking.js';
import { CandidateDigests } from '../../src/modules/identity/candidate-digests.js';
import { digitCounts, excess } from '../../src/modules/identity/digest-numbers.js';
import { compareRecords } from '../../src/modules/identity/comparators.js';
import { DEFAULT_MATCH_CONFIG } from '../../src/modules/identity/match-config.js';
import { MatchIndex } from '../../src/modules/identity/match-index.js';
import { prepareRecord } from '../../src/modules/identity/prepared-record.js';
import type { MatchRecord } from '../../src/modules/identity/identity.schemas.js';
import { editDistance } from '../../src/modules/identity/strings.js';
import { weightTable } from '../../src/modules/identity/weights.js';
import { Random } from '../../src/demo/random.js';
import { residentIdFor } from '../helpers/factories.js';
import { chineseSet } from './chinese-set.js';

/** Optimal string alignment distance by the textbook table, without shortcuts: what editDistance must agree with. */
function reference(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

describe('edit distance shortcuts', () => {
  it('agrees with the full table for dates and phones one or two keying errors apart, and further', () => {
    const random = new Random(7);
    const digits = (n: number) => Array.from({ length: n }, () => String(random.int(0, 3))).join('');
    const mutate = (s: string) => {
      const i = random.int(0, Math.max(0, s.length - 1));
      switch (random.int(0, 3)) {
        case 0: return s.slice(0, i) + String(random.int(0, 3)) + s.slice(i + 1);
        case 1: return s.slice(0, i) + s.slice(i + 1);
        case 2: return s.slice(0, i) + String(random.int(0, 3)) + s.slice(i);
        default: return s.slice(0, i) + (s[i + 1] ?? '') + (s[i] ?? '') + s.slice(i + 2);
      }
    };
    let checked = 0;
    for (let n = 0; n < 20_000; n++) {
      const a = digits(random.int(0, 11));
      let b = a;
      for (let k = random.int(0, 3); k > 0; k--) b = mutate(b);
      for (const limit of [1, 2, 3]) {
        expect(editDistance(a, b, limit), `${a} ${b} limit ${limit}`).toBe(Math.min(reference(a, b), limit + 1));
        checked++;
      }
    }
    expect(checked).toBe(60_000);
  });
});

describe('digit counts', () => {
  it('sum the digits one number lacks, with repetition, as counting them one by one does', () => {
    const random = new Random(17);
    const counted = (a: string, b: string) => {
      let lacking = 0;
      for (let d = 0; d <= 9; d++) lacking += Math.max(0, [...a].filter((c) => c === String(d)).length - [...b].filter((c) => c === String(d)).length);
      return lacking;
    };
    const packed = (s: string, upper: boolean) => {
      const cut = Math.max(0, s.length - 8);
      return digitCounts(Number(s.slice(cut)), cut === 0 ? 0 : Number(s.slice(0, cut)), s.length, upper);
    };
    for (let n = 0; n < 20_000; n++) {
      // From one digit to fifteen (a phone), from one digit value to all ten: counts from 0 to 15.
      const values = random.int(1, 10);
      const digits = () => Array.from({ length: random.int(1, 15) }, () => String(random.int(0, values - 1))).join('');
      const a = digits();
      const b = digits();
      expect(excess(packed(a, false), packed(b, false)) + excess(packed(a, true), packed(b, true)), `${a} ${b}`).toBe(counted(a, b));
    }
  });
});

describe('scoring with a bound', () => {
  it('either gives the full comparison to the last bit or drops a candidate that scores below the bar', () => {
    const weights = weightTable();
    const records = chineseSet({ originals: 300 }).map((r) => prepareRecord(r.record));
    const random = new Random(11);
    let dropped = 0;
    let kept = 0;
    for (let n = 0; n < 20_000; n++) {
      const a = records[random.int(0, records.length - 1)]!;
      // Half the pairs from neighbours (often the same person), half at random.
      const b = n % 2 === 0 ? records[Math.min(records.length - 1, records.indexOf(a) + random.int(0, 3))]! : records[random.int(0, records.length - 1)]!;
      const full = compareRecords(a, b, weights)!;
      const bar = random.int(-20, 40);
      const bounded = compareRecords(a, b, weights, bar);
      if (bounded === null) {
        expect(full.score).toBeLessThan(bar);
        dropped++;
      } else {
        expect(bounded).toEqual(full);
        kept++;
      }
    }
    // Both ways taken many times: a bound that never prunes, or prunes everything, would show here.
    expect(dropped).toBeGreaterThan(2000);
    expect(kept).toBeGreaterThan(2000);
  });
});

describe('candidate digests', () => {
  // The default, and the paths of a huge index: place names past the numbering (read from the record), and every
  // name part and place on one memo slot (each worked out again whenever another took its slot).
  it.each([
    ['as configured', {}],
    ['with three place names numbered and a memo of one slot', { placesLimit: 3, memoSize: 1 }],
  ])('never drop a candidate whose full score reaches the bar (%s)', (_, options) => {
    const weights = weightTable();
    // The Chinese set, FEBRL samples (Latin names, postcodes, street numbers), and records with the shapes the digests treat apart: landlines with and without area
    // code, phones too long for a number, dates not of eight digits, missing fields, identifiers.
    const odd: MatchRecord[] = [
      { source: 'a', name: { full: '张伟' }, phone: '010 8888 6666', birthDate: '1975-03-12', address: { city: '北京市' } },
      { source: 'b', name: { full: '张伟' }, phone: '88886666', birthDate: '1975-3-12', identifiers: [{ system: 'ins', value: 'X1' }] },
      { source: 'c', name: { full: 'Zhang Wei' }, phone: '+86 010 8888 6666 1234 5678', gender: 'male' },
      { source: 'd', name: { full: '张卫' }, birthDate: '19750321', phone: '88886696', address: { locality: '朝阳', city: '北京' }, identifiers: [{ system: 'ins', value: 'X2' }] },
      { source: 'e', name: { family: '张' } },
      { source: 'f', name: { full: '李娜' }, phone: '13812345678', birthDate: '1990-01-02' },
      { source: 'g', name: { full: '李娜' }, phone: '13812345679', birthDate: '1990-01-20' },
      { source: 'h', name: { full: '李娜' }, phone: '1381234567', birthDate: '1990-02-01' },
    ];
    const febrl = ['febrl4-a-sample.csv', 'febrl4-b-sample.csv'].flatMap((file) => parseFebrl(file, readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8')).rows.map((r) => r.record));
    expect(febrl.length).toBeGreaterThan(50);
    const chinese = chineseSet({ originals: 300 });
    const records = [...chinese.map((r) => r.record), ...febrl, ...odd, ...odd.map((r) => ({ ...r, source: 'z' }))].map((r) => prepareRecord(r));
    const digests = new CandidateDigests(options);
    records.forEach((r, i) => digests.set(i, r));
    // Every pair of records of one person in the Chinese set (their typos are what the digests must not misjudge),
    // every pair of the odd ones, and random pairs.
    const pairs: [number, number][] = [];
    chinese.forEach((x, i) => chinese.forEach((y, j) => i !== j && x.entity === y.entity && pairs.push([i, j])));
    for (let i = records.length - odd.length * 2; i < records.length; i++) for (let j = records.length - odd.length * 2; j < records.length; j++) pairs.push([i, j]);
    const random = new Random(13);
    for (let n = 0; n < 20_000; n++) pairs.push([random.int(0, records.length - 1), random.int(0, records.length - 1)]);
    let dropped = 0;
    // Prepared once for all its candidates in a row, as in a search: what the digests remember for one candidate
    // must not leak into another's bound.
    pairs.sort((x, y) => x[0] - y[0]);
    for (const [n, [i, j]] of pairs.entries()) {
      if (n === 0 || pairs[n - 1]![0] !== i) digests.prepare(records[i]!, weights);
      const score = compareRecords(records[i]!, records[j]!, weights)!.score;
      // At the score itself (with the matcher's slack for a sum in another order) the candidate must stay.
      expect(digests.mayReach(j, records, score - 1e-9), `${i} against ${j}`).toBe(true);
      if (!digests.mayReach(j, records, random.int(-20, 40))) dropped++;
    }
    expect(pairs.length).toBeGreaterThan(20_500);
    expect(dropped).toBeGreaterThan(3000);
  });
});

describe('deep blocks', () => {
  // 900 men named 张 born in 1980 (under maxBlockSize): the block of surname code and birth year is that deep.
  const crowd: MatchRecord[] = Array.from({ length: 900 }, (_, i) => ({
    source: 'his',
    sourceRecordId: `C-${i}`,
    name: { family: '张', given: ['伟', '磊', '勇', '军', '杰', '涛', '斌', '超', '明', '刚'][i % 10]! + ['', '平', '辉', '鹏'][Math.floor(i / 10) % 4]! },
    birthDate: `1980-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (Math.floor(i / 12) % 28)).padStart(2, '0')}`,
    gender: 'male',
    phone: `139${String(10_000_000 + i * 7919).slice(-8)}`,
    address: { region: '上海市', city: '上海市', locality: ['浦东新区', '徐汇区', '静安区'][i % 3]!, street: `世纪大道${i}号` },
  }));
  const original: MatchRecord = {
    source: 'his',
    sourceRecordId: 'ORIGINAL',
    name: { family: '张', given: '建国' },
    birthDate: '1980-07-14',
    gender: 'male',
    phone: '13687654321',
    residentId: residentIdFor('1980-07-14', 'male'),
    address: { region: '北京市', city: '北京市', locality: '朝阳区', street: '建国路88号' },
  };
  const id = original.residentId!;
  // The same man from another system: another given character (建华: another sound code), a day mistyped, a digit
  // wrong in the phone and in the resident ID. He shares no blocking key with the original but surname code and
  // birth year: only the deep block finds him.
  const duplicate: MatchRecord = {
    ...original,
    source: 'emr',
    sourceRecordId: 'DUPLICATE',
    name: { family: '张', given: '建华' },
    birthDate: '1980-07-15',
    phone: '13687654329',
    residentId: `${id.slice(0, 3)}${(Number(id[3]) + 1) % 10}${id.slice(4)}`,
  };
  const keys = (r: MatchRecord) => blockingKeys(prepareRecord(r));

  it('still links a duplicate that only a deep block holds, however many candidates the bound drops there', () => {
    let n = 0;
    const index = new MatchIndex(DEFAULT_MATCH_CONFIG, { newPersonId: () => `person-${++n}` });
    const person = index.add(original).personId;
    for (const record of crowd) expect(index.add(record).personId).not.toBe(person);
    expect(keys(duplicate).filter((key) => keys(original).includes(key))).toEqual(['ny:zan:1980']);
    const decision = index.add(duplicate);
    expect(decision).toMatchObject({ decision: 'linked', personId: person });
    expect(decision.explanation.candidatesCompared).toBeGreaterThan(900);
    expect(decision.explanation.fields.find((f) => f.field === 'givenName')?.level).toBe('partial');
  });
});
