import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { maskEmail, maskPhone, nationalDigits, parsePhone, phoneDigits } from '../../src/modules/patients/phone.js';

describe('phone numbers', () => {
  it.each(['13910007919', '139 1000 7919', '139-1000-7919', '+86 139 1000 7919', '+8613910007919', '0086 139 1000 7919', '(+86) 139 1000 7919'])(
    'reads the mainland mobile written as %s',
    (written) => {
      expect(parsePhone(written)).toEqual({ ok: true, e164: '+8613910007919', kind: 'mobile' });
    },
  );

  it.each([
    ['010-88886666', '+861088886666'],
    ['(010) 8888 6666', '+861088886666'],
    ['0755 1234 5678', '+8675512345678'],
  ])('reads the landline %s with its area code', (written, e164) => {
    expect(parsePhone(written)).toEqual({ ok: true, e164, kind: 'landline' });
  });

  it('reads foreign numbers given with their country code', () => {
    expect(parsePhone('+1 415 555 2671')).toMatchObject({ ok: true, e164: '+14155552671' });
    expect(parsePhone('+44 20 7946 0958')).toMatchObject({ ok: true, e164: '+442079460958', kind: 'landline' });
  });

  it.each(['12345', '1391000791', '23910007919', '139100079190', '+999 1234 5678'])('refuses %s, which is no real number', (written) => {
    expect(parsePhone(written)).toMatchObject({ ok: false });
  });

  it.each(['139abc07919', '139.1000.7919', "13910007919'; --", '<script>'])('refuses %s, which holds characters a phone number has not', (written) => {
    expect(parsePhone(written)).toEqual({ ok: false, message: expect.stringContaining('only digits') });
  });

  it('keeps only the digits of what a caller typed', () => {
    expect(phoneDigits('+86 139-1000-7919')).toBe('8613910007919');
  });

  it.each(['+86 139-1000-7919', '0086 13910007919', '8613910007919', '139 1000 7919'])('compares %s by its national digits', (written) => {
    expect(nationalDigits(written)).toBe('13910007919');
  });

  it('leaves numbers of other shapes as their digits (the matcher compares them as given)', () => {
    expect(nationalDigits('02 9876 5432')).toBe('0298765432');
    expect(nationalDigits('861234')).toBe('861234');
  });

  it('masks a mainland mobile as 138****5678', () => {
    expect(maskPhone('+8613812345678')).toBe('138****5678');
  });

  it('masks landlines and foreign numbers down to two leading digits and the last four', () => {
    expect(maskPhone('+861088886666')).toBe('10****6666');
    expect(maskPhone('+14155552671')).toBe('14*****2671');
    expect(maskPhone('+14155552671')).not.toContain('555');
    expect(maskPhone('+14155552671').endsWith('2671')).toBe(true);
  });

  it('masks an e-mail address down to its first letter and domain', () => {
    expect(maskEmail('zhangsan@example.cn')).toBe('z***@example.cn');
  });

  it('answers every eleven-digit 1xxxx number exactly as the full metadata does (the per-prefix shortcut)', () => {
    const differing: string[] = [];
    for (let prefix = 10000; prefix <= 19999; prefix++) {
      // Two numbers per prefix, the second asked after the first has filled the prefix's answer.
      for (const number of [`${prefix}000000`, `${prefix}987654`]) {
        const library = parsePhoneNumberFromString(number, 'CN');
        const valid = library?.isValid() === true;
        const ours = parsePhone(number);
        const kind = library?.getType() === 'MOBILE' ? 'mobile' : library?.getType() === 'FIXED_LINE' ? 'landline' : 'other';
        if (ours.ok !== valid || (ours.ok && (ours.e164 !== library!.number || ours.kind !== kind))) differing.push(number);
      }
    }
    expect(differing).toEqual([]);
  });
});
