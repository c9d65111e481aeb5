import { describe, expect, it } from 'vitest';
import { compareBirthDates, compareNameParts, comparePhones, compareText } from '../../src/modules/identity/comparators.js';
import { namePart, splitFullName } from '../../src/modules/identity/names.js';
import { editDistance, jaroWinkler, soundex } from '../../src/modules/identity/strings.js';
import { blockingKeys } from '../../src/modules/identity/blocking.js';
import { prepareRecord } from '../../src/modules/identity/prepared-record.js';

const family = (name: string) => namePart(name, 'family');
const given = (name: string) => namePart(name, 'given');

describe('string measures', () => {
  it('scores the textbook Jaro–Winkler pairs', () => {
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.961, 3);
    expect(jaroWinkler('dwayne', 'duane')).toBeCloseTo(0.84, 2);
    expect(jaroWinkler('', 'abc')).toBe(0);
  });

  it('counts two swapped neighbours as one edit', () => {
    expect(editDistance('19750312', '19750321')).toBe(1);
    expect(editDistance('13812345678', '13812345678')).toBe(0);
    expect(editDistance('abc', 'xyz', 1)).toBe(2);
  });

  it('gives Soundex codes that survive vowel and double-letter typos', () => {
    expect(soundex('robert')).toBe('R163');
    expect(soundex('rupert')).toBe('R163');
    expect(soundex('ashcraft')).toBe('A261');
    expect(soundex('tymczak')).toBe('T522');
  });
});

describe('names', () => {
  it('splits Chinese full names after the surname, compound surnames included', () => {
    expect(splitFullName('张三丰')).toEqual({ family: '张', given: '三丰' });
    expect(splitFullName('欧阳修远')).toEqual({ family: '欧阳', given: '修远' });
    expect(splitFullName('ZHANG Wei')).toEqual({ family: 'ZHANG', given: 'Wei' });
    expect(splitFullName('Smith, John')).toEqual({ family: 'Smith', given: ' John' });
  });

  it('reads surnames with their surname pronunciation', () => {
    expect(family('单')?.pinyin).toBe('shan');
    expect(family('欧阳')?.pinyin).toBe('ouyang');
  });

  it('finds homophones, romanised spellings and merged southern sounds', () => {
    expect(compareNameParts(family('张'), family('章'))).toEqual({ level: 'close', note: 'homophone' });
    expect(compareNameParts(family('王'), family('汪'))).toEqual({ level: 'close', note: 'homophone' });
    expect(compareNameParts(family('李'), family('黎'))).toEqual({ level: 'close', note: 'homophone' });
    expect(compareNameParts(family('陈'), family('程'))).toEqual({ level: 'close', note: 'similar sound' });
    expect(compareNameParts(family('张'), family('Zhang'))).toEqual({ level: 'exact', note: 'same pinyin' });
    expect(compareNameParts(given('晓明'), given('小明'))).toEqual({ level: 'close', note: 'homophone' });
    expect(compareNameParts(given('伟'), given('杰')).level).toBe('different');
  });

  it('treats Latin typos by spelling similarity', () => {
    expect(compareNameParts(family('harrington'), family('harringtn')).level).toBe('close');
    expect(compareNameParts(family('smith'), family('jones')).level).toBe('different');
  });

  it('gives 张, 章 and Zhang a blocking code in common, and Latin names a Soundex code too', () => {
    for (const name of ['张', '章', 'Zhang', 'ZHANG']) expect(family(name)?.codes).toContain('zan');
    expect(family('陈')?.codes).toEqual(family('程')?.codes);
    expect(family('harrington')?.codes).toEqual(['H653', 'harrinton']);
  });
});

describe('birth dates, phones and addresses', () => {
  it('sees transposed digits, swapped day and month, and one wrong digit as close', () => {
    expect(compareBirthDates('19750312', '19750321')).toEqual({ level: 'close', note: 'transposed digits' });
    expect(compareBirthDates('19750312', '19751203')).toEqual({ level: 'close', note: 'day and month swapped' });
    expect(compareBirthDates('19750312', '19760312')).toEqual({ level: 'close', note: 'one character differs' });
    expect(compareBirthDates('19750312', '19880101').level).toBe('different');
    expect(compareBirthDates(null, '19880101').level).toBe('missing');
  });

  it('compares phones with and without the country or area code', () => {
    const record = (phone: string) => prepareRecord({ source: 's', phone }).phone;
    expect(record('+86 138-1234-5678')).toBe('13812345678');
    expect(comparePhones(record('010 8888 6666'), record('88886666')).level).toBe('close');
    expect(comparePhones('13812345678', '13812345687')).toEqual({ level: 'close', note: 'transposed digits' });
  });

  it('counts a shortened Chinese address as close', () => {
    expect(compareText('友谊路60号翠湖小区6号楼2单元2406室', '友谊路60号翠湖小区')).toEqual({ level: 'close', note: 'shorter form' });
  });
});

describe('blocking keys', () => {
  it('gives a record several independent keys', () => {
    const keys = blockingKeys(prepareRecord({ source: 's', name: { full: '张伟' }, birthDate: '1975-03-12', phone: '13812345678', address: { postcode: '100020' } }));
    expect(keys.map((k) => k.split(':')[0])).toEqual(['ny', 'ny', 'd', 'nn', 'np', 'p']);
  });
});
