import { describe, expect, it } from 'vitest';
import { en } from '../../src/web/i18n/en.js';
import { catalogs, translator } from '../../src/web/i18n/index.js';
import { zhCN } from '../../src/web/i18n/zh-CN.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the page catalogs', () => {
  it('zh-CN and en have exactly the same keys', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort());
  });

  it('no text is empty and each translation fills the same placeholders', () => {
    for (const [key, text] of Object.entries(zhCN)) {
      const english = en[key as keyof typeof en];
      expect(text.trim(), key).not.toBe('');
      expect(english.trim(), key).not.toBe('');
      expect(placeholders(english), key).toEqual(placeholders(text));
    }
  });

  it('the English catalog holds no Chinese except the name of the language to switch to', () => {
    const han = /\p{Script=Han}/u;
    const withHan = Object.entries(catalogs.en).filter(([, text]) => han.test(text)).map(([key]) => key);
    expect(withHan.sort()).toEqual(['nav.switchLanguage', 'search.placeholder']);
  });

  it('fills placeholders and answers undefined for keys built from unknown data', () => {
    const t = translator('zh-CN');
    expect(t('patient.age', { n: 58 })).toBe('58岁');
    expect(translator('en')('patient.age', { n: 58 })).toBe('58 y');
    expect(t.maybe('timeline.encounter.outpatient')).toBe('门诊就诊');
    expect(t.maybe('timeline.appointment.booked')).toBeUndefined();
    expect(t.maybe('toString')).toBeUndefined();
  });
});
