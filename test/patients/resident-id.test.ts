import { describe, expect, it } from 'vitest';
import { maskResidentId, parseResidentId, residentIdCheckChar } from '../../src/modules/patients/resident-id.js';
import { residentIdFor } from '../helpers/factories.js';

const TODAY = '2026-11-23';

describe('resident ID numbers (GB 11643)', () => {
  it('accepts the standard example with an X check character and reads birth date and gender from it', () => {
    expect(parseResidentId('11010519491231002X', TODAY)).toEqual({
      ok: true,
      value: '11010519491231002X',
      birthDate: '1949-12-31',
      gender: 'female',
      upgradedFrom15: false,
    });
  });

  it('accepts a lower-case x and stores the number upper-case', () => {
    const parsed = parseResidentId(' 11010519491231002x ', TODAY);
    expect(parsed.ok && parsed.value).toBe('11010519491231002X');
  });

  it('reads an odd sequence digit as male', () => {
    const parsed = parseResidentId(residentIdFor('1968-04-12', 'male'), TODAY);
    expect(parsed.ok && parsed.gender).toBe('male');
    expect(parsed.ok && parsed.birthDate).toBe('1968-04-12');
  });

  it('computes the ISO 7064 MOD 11-2 check character', () => {
    expect(residentIdCheckChar('11010519491231002')).toBe('X');
    expect(residentIdFor('1968-04-12', 'male').at(-1)).toBe(residentIdCheckChar(residentIdFor('1968-04-12', 'male').slice(0, 17)));
  });

  it('refuses a number whose check character does not match', () => {
    expect(parseResidentId('110105194912310021', TODAY)).toMatchObject({ ok: false, problem: 'checksum' });
  });

  it('upgrades a legacy 15-digit number to 18 digits, born in the 1900s', () => {
    expect(parseResidentId('110105491231002', TODAY)).toMatchObject({ ok: true, value: '11010519491231002X', birthDate: '1949-12-31', upgradedFrom15: true });
  });

  it('refuses numbers of the wrong length or with letters inside', () => {
    for (const bad of ['1101051949123100', '1101051949123100211', '11010519491231X02X', '', 'abcdefghijklmnopqr']) {
      expect(parseResidentId(bad, TODAY)).toMatchObject({ ok: false, problem: 'format' });
    }
  });

  it('refuses a region that is not a province code', () => {
    const first17 = '99010519491231002';
    expect(parseResidentId(first17 + residentIdCheckChar(first17), TODAY)).toMatchObject({ ok: false, problem: 'region' });
  });

  it('refuses a birth date that does not exist, such as 30 February', () => {
    const first17 = '11010520230230002';
    expect(parseResidentId(first17 + residentIdCheckChar(first17), TODAY)).toMatchObject({ ok: false, problem: 'birth_date' });
  });

  it('refuses a birth date after today', () => {
    expect(parseResidentId(residentIdFor('2027-01-01', 'female'), TODAY)).toMatchObject({ ok: false, problem: 'future_birth_date' });
  });

  it('masks all but the region and the last four characters', () => {
    expect(maskResidentId('11010519491231002X')).toBe('110105********002X');
  });
});
