import type { FieldError } from '../../lib/errors.js';
import { nameSearchKeys } from './name-keys.js';
import { isCalendarDate, parseResidentId } from './resident-id.js';
import { parsePhone } from './phone.js';
import type { CreatePatientBody } from './patients.schemas.js';

/**
 * The checks zod cannot make alone because they need today's date or cross fields: resident ID checksum and its
 * agreement with birth date and gender, real calendar dates not in the future, phone numbers that exist.
 * Every entry point (HTTP, imports, seed) goes through here, so all of them get the same answers.
 */
export interface CheckedDemographics {
  residentId?: string | null;
  phone?: string | null;
  birthDate?: string | null;
  gender?: CreatePatientBody['gender'];
  emergencyContacts?: { name: string; relationship: string; phone: string }[];
}

export function checkDemographics(
  input: Partial<Pick<CreatePatientBody, 'residentId' | 'phone' | 'birthDate' | 'gender' | 'emergencyContacts'>>,
  current: { birthDate: string | null; gender: CreatePatientBody['gender'] } | null,
  today: string,
): { value: CheckedDemographics; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const value: CheckedDemographics = {};

  if (input.birthDate !== undefined && input.birthDate !== null) {
    if (!isCalendarDate(input.birthDate)) errors.push({ field: 'birthDate', code: 'invalid_date', message: `${input.birthDate} is not a date that exists` });
    else if (input.birthDate > today) errors.push({ field: 'birthDate', code: 'future_date', message: 'is in the future' });
    else if (input.birthDate < '1890-01-01') errors.push({ field: 'birthDate', code: 'too_old', message: 'is before 1890' });
  }
  if (input.birthDate !== undefined) value.birthDate = input.birthDate;

  if (input.residentId) {
    const parsed = parseResidentId(input.residentId, today);
    if (!parsed.ok) {
      errors.push({ field: 'residentId', code: `resident_id_${parsed.problem}`, message: parsed.message });
    } else {
      value.residentId = parsed.value;
      const birthDate = input.birthDate !== undefined ? input.birthDate : current?.birthDate;
      const gender = input.gender ?? current?.gender;
      if (birthDate && birthDate !== parsed.birthDate) {
        errors.push({ field: 'residentId', code: 'resident_id_birth_mismatch', message: `says born ${parsed.birthDate} but birthDate is ${birthDate}` });
      }
      if ((gender === 'male' || gender === 'female') && gender !== parsed.gender) {
        errors.push({ field: 'residentId', code: 'resident_id_gender_mismatch', message: `belongs to a ${parsed.gender} but gender is ${gender}` });
      }
      // The ID number is the most reliable source of the birth date when none was given.
      if (!birthDate) value.birthDate = parsed.birthDate;
    }
  } else if (input.residentId !== undefined) {
    value.residentId = null;
  }

  if (input.phone) {
    const parsed = parsePhone(input.phone);
    if (parsed.ok) value.phone = parsed.e164;
    else errors.push({ field: 'phone', code: 'invalid_phone', message: parsed.message });
  } else if (input.phone !== undefined) {
    value.phone = null;
  }

  if (input.emergencyContacts) {
    value.emergencyContacts = input.emergencyContacts.map((contact, i) => {
      const parsed = parsePhone(contact.phone);
      if (!parsed.ok) errors.push({ field: `emergencyContacts.${i}.phone`, code: 'invalid_phone', message: parsed.message });
      return { ...contact, phone: parsed.ok ? parsed.e164 : contact.phone };
    });
  }
  return { value, errors };
}

export function searchKeysFor(name: string): { pinyin: string; initials: string; keys: string[] } {
  const { pinyin, initials } = nameSearchKeys(name);
  const keys = [name];
  if (pinyin) keys.push(pinyin);
  // Initials that are a prefix of the full pinyin (安 → a / an) would list the patient twice for one query.
  if (initials && !pinyin.startsWith(initials)) keys.push(initials);
  return { pinyin, initials, keys };
}

export function ageOn(birthDate: string | null, today: string): number | null {
  if (!birthDate) return null;
  const years = Number(today.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return today.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

/** The birth-date range of people whose age on `today` lies within [minAge, maxAge]. */
export function birthDateRangeForAges(today: string, minAge?: number, maxAge?: number): { onOrAfter?: string; onOrBefore?: string } {
  const shift = (years: number) => `${String(Number(today.slice(0, 4)) - years).padStart(4, '0')}${today.slice(4)}`;
  const range: { onOrAfter?: string; onOrBefore?: string } = {};
  if (minAge !== undefined) range.onOrBefore = shift(minAge);
  if (maxAge !== undefined) range.onOrAfter = nextDay(shift(maxAge + 1));
  return range;
}

function nextDay(date: string): string {
  const d = new Date(`${date.slice(0, 4)}-${date.slice(5, 7)}-01T00:00:00Z`);
  d.setUTCDate(Number(date.slice(8, 10)) + 1);
  return d.toISOString().slice(0, 10);
}
