/**
 * Mainland China resident identity numbers (居民身份证号码, GB 11643-1999): 6-digit region code, 8-digit birth
 * date, 3-digit sequence (odd for men, even for women) and an ISO 7064 MOD 11-2 check character (0-9 or X).
 * Legacy 15-digit numbers (6 region, YYMMDD born in the 1900s, 3 sequence, no check) are upgraded to 18.
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';
const PROVINCE_CODES = new Set([
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91,
]);

export type ResidentIdProblem = 'format' | 'region' | 'birth_date' | 'future_birth_date' | 'checksum';

export type ParsedResidentId =
  | { ok: true; value: string; birthDate: string; gender: 'male' | 'female'; upgradedFrom15: boolean }
  | { ok: false; problem: ResidentIdProblem; message: string };

export function residentIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

export function parseResidentId(input: string, today: string): ParsedResidentId {
  const raw = input.trim().toUpperCase();
  let value: string;
  let upgradedFrom15 = false;
  if (/^\d{15}$/.test(raw)) {
    const first17 = `${raw.slice(0, 6)}19${raw.slice(6)}`;
    value = first17 + residentIdCheckChar(first17);
    upgradedFrom15 = true;
  } else if (/^\d{17}[\dX]$/.test(raw)) {
    value = raw;
  } else {
    return { ok: false, problem: 'format', message: 'must be 18 characters (17 digits and a digit or X), or a legacy 15-digit number' };
  }
  if (!PROVINCE_CODES.has(Number(value.slice(0, 2)))) {
    return { ok: false, problem: 'region', message: `starts with ${value.slice(0, 2)}, which is not a province code` };
  }
  const birthDate = `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`;
  if (!isCalendarDate(birthDate) || birthDate < '1890-01-01') {
    return { ok: false, problem: 'birth_date', message: `holds the birth date ${birthDate}, which does not exist` };
  }
  if (birthDate > today) return { ok: false, problem: 'future_birth_date', message: `holds a birth date in the future (${birthDate})` };
  if (!upgradedFrom15 && residentIdCheckChar(value.slice(0, 17)) !== value[17]) {
    return { ok: false, problem: 'checksum', message: 'has a wrong check character (the last one); check for a mistyped digit' };
  }
  return { ok: true, value, birthDate, gender: Number(value[16]) % 2 === 1 ? 'male' : 'female', upgradedFrom15 };
}

/** `110105********1234`: region and last four, as DESIGN.md prescribes for display. */
export function maskResidentId(value: string): string {
  return `${value.slice(0, 6)}${'*'.repeat(value.length - 10)}${value.slice(-4)}`;
}

export function isCalendarDate(date: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return false;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const probe = new Date(Date.UTC(y, m - 1, d));
  return probe.getUTCFullYear() === y && probe.getUTCMonth() === m - 1 && probe.getUTCDate() === d;
}
