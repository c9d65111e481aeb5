import { describe, expect, it } from 'vitest';
import { searchKeysFor } from '../../src/modules/patients/demographics.js';
import { nameSearchKeys, normaliseNameQuery } from '../../src/modules/patients/name-keys.js';

describe('name search keys', () => {
  it('spells 张三丰 as zhangsanfeng with the initials zsf', () => {
    expect(nameSearchKeys('张三丰')).toEqual({ pinyin: 'zhangsanfeng', initials: 'zsf' });
  });

  it('reads 单 as the surname shan, not dan', () => {
    expect(nameSearchKeys('单田芳')).toEqual({ pinyin: 'shantianfang', initials: 'stf' });
  });

  it('reads the compound surname 欧阳 as ouyang', () => {
    expect(nameSearchKeys('欧阳娜娜')).toEqual({ pinyin: 'ouyangnana', initials: 'oynn' });
  });

  it('reads other surnames with special readings (曾 zeng, 解 xie, 仇 qiu)', () => {
    expect(nameSearchKeys('曾国藩').pinyin).toBe('zengguofan');
    expect(nameSearchKeys('解缙').pinyin).toBe('xiejin');
    expect(nameSearchKeys('仇英').pinyin).toBe('qiuying');
  });

  it('folds Latin names to lower-case letters without spaces', () => {
    expect(nameSearchKeys('John Smith')).toEqual({ pinyin: 'johnsmith', initials: 'js' });
  });

  it('ignores the middle dot of transliterated names', () => {
    expect(nameSearchKeys('李·娜').pinyin).toBe('lina');
  });

  it('indexes the name, its pinyin and its initials', () => {
    expect(searchKeysFor('张三丰').keys).toEqual(['张三丰', 'zhangsanfeng', 'zsf']);
  });

  it('leaves out initials that are already a prefix of the pinyin', () => {
    expect(searchKeysFor('安').keys).toEqual(['安', 'an']);
  });

  it('folds a typed Latin query to lower case without spaces and keeps Chinese as typed', () => {
    expect(normaliseNameQuery('Zhang San')).toBe('zhangsan');
    expect(normaliseNameQuery(' 张三 ')).toBe('张三');
  });
});
