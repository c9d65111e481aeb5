import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { Invalid } from '../../lib/errors.js';

/**
 * Phone numbers are kept in E.164. Numbers without a country code are read as mainland China's: an 11-digit
 * mobile (13812345678) or a landline with its area code (010-88886666, 0755 1234 5678); anything else needs
 * its +country code. libphonenumber's full metadata decides what is a real number.
 */
export type ParsedPhone = { ok: true; e164: string; kind: 'mobile' | 'landline' | 'other' } | { ok: false; message: string };

export function parsePhone(input: string): ParsedPhone {
  const trimmed = input.trim();
  // A leading bracket is common too: (010) 8888 6666, (+86) 139 1000 7919.
  if (!/^\(?\+?\d[\d\s()-]{3,24}$/.test(trimmed)) {
    return { ok: false, message: 'may hold only digits, spaces, dashes, brackets and a leading +' };
  }
  const parsed = parsePhoneNumberFromString(trimmed, 'CN');
  if (!parsed || !parsed.isValid()) {
    return {
      ok: false,
      message: trimmed.startsWith('+')
        ? 'is not a valid international number'
        : 'is not a mainland mobile (11 digits, 1xx) or a landline with its area code (010-88886666); add +country code for a foreign number',
    };
  }
  const type = parsed.getType();
  const kind = type === 'MOBILE' ? 'mobile' : type === 'FIXED_LINE' ? 'landline' : 'other';
  return { ok: true, e164: parsed.number, kind };
}

/**
 * A number an entry point must be able to use: its E.164 form and kind, or a 400 with the caller's error code naming the
 * field (`consultations.bad_phone`, `feedback.bad_phone`, `contacts.bad_address`), so every module says it alike.
 */
export function phoneOrInvalid(input: string, field: string, code: string): Extract<ParsedPhone, { ok: true }> {
  const parsed = parsePhone(input);
  if (!parsed.ok) throw new Invalid(code, `${field} ${parsed.message}`, [{ field, code: 'invalid_phone', message: parsed.message }]);
  return parsed;
}

/** Digits only, for search: accepts what callers type (+86 138-1234-5678). */
export function phoneDigits(input: string): string {
  return input.replace(/\D/g, '');
}

/**
 * +8613812345678 → 138****5678 (the carrier prefix and last four, as Chinese hospitals print them);
 * landlines and foreign numbers keep two leading digits and the last four: +861088886666 → 10****6666.
 */
export function maskPhone(e164: string): string {
  const national = e164.startsWith('+86') ? e164.slice(3) : e164.slice(1);
  if (national.length <= 6) return '*'.repeat(national.length);
  const keepStart = e164.startsWith('+86') && /^1\d{10}$/.test(national) ? 3 : 2;
  return `${national.slice(0, keepStart)}${'*'.repeat(national.length - keepStart - 4)}${national.slice(-4)}`;
}

export function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
}
