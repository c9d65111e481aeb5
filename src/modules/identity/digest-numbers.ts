/**
 * Birth dates and phones as the candidate digests hold them: as numbers, with their digits counted four bits a
 * digit, so that "certainly more keying errors apart than close allows" is a few integer operations.
 */

export const MISSING = -1;
/** A value the digest cannot hold as a number (a date not of eight digits, a phone too long): bounded at its most. */
export const UNKNOWN = -2;

export function birthNumber(birth: string | null): number {
  if (birth === null) return MISSING;
  return /^\d{8}$/.test(birth) ? Number(birth) : UNKNOWN;
}

/**
 * National digits as [last eight as a number, the digits before them as a number, how many digits] (leading
 * zeros count); phones of more than 15 digits are UNKNOWN.
 */
export function phoneNumber(phone: string | null): [number, number, number] {
  if (phone === null) return [0, 0, MISSING];
  if (!/^\d{1,15}$/.test(phone)) return [0, 0, UNKNOWN];
  const split = Math.max(0, phone.length - 8);
  return [Number(phone.slice(split)), split === 0 ? 0 : Number(phone.slice(0, split)), phone.length];
}

/**
 * How many of each digit a number of `length` digits has (leading zeros included), given its last eight and the
 * rest: four bits a digit, digits 0 to 7 in one integer, or (`upper`) 8 and 9 in another (no count passes 15).
 */
export function digitCounts(low: number, high: number, length: number, upper: boolean): number {
  let counts = 0;
  let rest = low;
  for (let i = 0; i < length; i++) {
    if (i === 8) rest = high;
    const digit = rest % 10;
    if (digit >= 8 === upper) counts += 1 << (4 * (digit & 7));
    rest = (rest / 10) | 0;
  }
  return counts | 0;
}

/**
 * The sum over the eight four-bit counts of max(0, a − b): of a's digits, how many b lacks (with repetition). Each
 * count is widened to a byte with a guard bit, so the eight subtractions happen in two without borrowing across.
 * With the same total digits on both sides it is a lower bound on the edit distance, as an insertion, deletion or
 * substitution changes each count by at most one and a swap changes none.
 */
export function excess(a: number, b: number): number {
  return excessOfBytes(a & 0x0f0f0f0f, b & 0x0f0f0f0f) + excessOfBytes((a >>> 4) & 0x0f0f0f0f, (b >>> 4) & 0x0f0f0f0f);
}

function excessOfBytes(a: number, b: number): number {
  const guarded = ((a | 0x80808080) - b) | 0;
  const aNotLess = (guarded & 0x80808080) >>> 7;
  return Math.imul(guarded & Math.imul(aNotLess, 0x7f), 0x01010101) >>> 24;
}

const POWERS_OF_TEN = Array.from({ length: 9 }, (_, i) => 10 ** i);

/** Whether the number of `longLength` digits ends with the one of `shortLength` (each as its last eight and the rest). */
export function endsWith(longLow: number, longHigh: number, longLength: number, shortLow: number, shortHigh: number, shortLength: number): boolean {
  if (longLength <= shortLength) return false;
  if (shortLength <= 8) return longLow % POWERS_OF_TEN[shortLength]! === shortLow;
  return longLow === shortLow && longHigh % POWERS_OF_TEN[shortLength - 8]! === shortHigh;
}

/** FNV-1a of a string's code units, as a signed 32-bit integer. */
export function textHash(text: string): number {
  let hash = 0x811c9dc5 | 0;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash;
}
