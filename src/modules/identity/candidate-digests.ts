import type { AgreementLevel, FieldName } from './identity.schemas.js';
import { compareNames, compareText } from './comparators.js';
import type { NamePart } from './names.js';
import type { PreparedRecord } from './prepared-record.js';
import type { WeightTable } from './weights.js';

/**
 * A few numbers per record of the index, in flat arrays, that bound a candidate's score without reading the
 * candidate's own record. In a million-record index a deep block (a common surname born in one year) brings a
 * thousand candidates, each record somewhere else in memory; reading them cost more than scoring them. The
 * digests answer most of them from data held together: names and place names by the shared objects they point
 * to (remembered per incoming record), birth dates and phones as numbers, whose digits tell "certainly
 * different" (more keying errors than close or partial allow) from "perhaps close", and the rest at the most it
 * could weigh. The bound is never below the true score, so a candidate it drops could not have reached the bar.
 */
export class CandidateDigests {
  private family: (NamePart | null)[] = [];
  private given: (NamePart | null)[] = [];
  private locality: (string | null)[] = [];
  private city: (string | null)[] = [];
  private region: (string | null)[] = [];
  private birth = new Int32Array(1024);
  private phone = new Float64Array(1024);
  private phoneLength = new Int8Array(1024);
  private gender = new Int8Array(1024);
  /** Which of the fields the digest does not hold the record has (FLAG_*). */
  private present = new Uint8Array(1024);

  // The incoming record the bounds are for, and what is known of it.
  private a: PreparedRecord | null = null;
  private w!: Record<FieldName, Record<AgreementLevel, number>>;
  private aBirth = UNKNOWN;
  private aBirthDigits = new Int8Array(10);
  private aPhone = 0;
  private aPhoneLength = UNKNOWN;
  private aPhoneDigits = new Int8Array(10);
  private aGender = 0;
  private scratch = new Int8Array(10);
  private names = new Map<NamePart | null, Map<NamePart | null, number>>();
  private places = [new Map<string | null, number>(), new Map<string | null, number>(), new Map<string | null, number>()];
  /** Fields the digest cannot see, at the most they can add for this record, by which of them a candidate has (NaN: not yet worked out). */
  private rest = new Float64Array(1 << FLAGS.length);
  private restMost = new Float64Array(FLAGS.length);
  private restMissing = new Float64Array(FLAGS.length);
  // Weights read for every candidate, held as plain numbers.
  private genderMissing = 0;
  private genderExact = 0;
  private genderDifferent = 0;
  private namesMost = 0;
  private placeMissing = new Float64Array(3);
  private placeExact = new Float64Array(3);
  private placeOpen = new Float64Array(3);
  private birthOpen = 0;
  private birthMost = 0;
  private phoneOpen = 0;
  private phoneMost = 0;

  /** Keeps the digest of the record stored at `position`. */
  set(position: number, r: PreparedRecord): void {
    if (position >= this.birth.length) this.grow(Math.max(position + 1, this.birth.length * 2));
    this.family[position] = r.family;
    this.given[position] = r.given;
    this.locality[position] = r.locality;
    this.city[position] = r.city;
    this.region[position] = r.region;
    this.birth[position] = birthNumber(r.birth);
    const [phone, length] = phoneNumber(r.phone);
    this.phone[position] = phone;
    this.phoneLength[position] = length;
    this.gender[position] = genderCode(r.gender);
    let present = 0;
    FLAGS.forEach(([, has], bit) => (present |= has(r) ? 1 << bit : 0));
    this.present[position] = present;
  }

  /** Sets up the bounds for one incoming record, scored with `weights`. */
  prepare(a: PreparedRecord, weights: WeightTable): void {
    this.a = a;
    this.w = weights;
    this.aBirth = birthNumber(a.birth);
    if (this.aBirth >= 0) digitCounts(this.aBirth, 8, this.aBirthDigits);
    [this.aPhone, this.aPhoneLength] = phoneNumber(a.phone);
    if (this.aPhoneLength > 0) digitCounts(this.aPhone, this.aPhoneLength, this.aPhoneDigits);
    this.aGender = genderCode(a.gender);
    this.genderMissing = weights.gender.missing;
    this.genderExact = weights.gender.exact;
    this.genderDifferent = weights.gender.different;
    const most = (l: Record<AgreementLevel, number>) => Math.max(l.exact, l.close, l.partial, l.different, l.missing);
    this.namesMost = most(weights.familyName) + most(weights.givenName);
    (['locality', 'city', 'region'] as const).forEach((field, i) => {
      const l = weights[field];
      this.placeMissing[i] = l.missing;
      this.placeExact[i] = l.exact;
      this.placeOpen[i] = Math.max(l.close, l.partial, l.different);
    });
    const b = weights.birthDate;
    this.birthOpen = Math.max(b.close, b.partial, b.different);
    this.birthMost = most(b);
    const p = weights.phone;
    this.phoneOpen = Math.max(p.close, p.partial, p.different);
    this.phoneMost = most(p);
    if (this.names.size > 0) this.names.clear();
    for (const seen of this.places) if (seen.size > 0) seen.clear();
    // Cheap per record: most records of a small index meet a candidate or two.
    for (let bit = 0; bit < FLAGS.length; bit++) {
      const [field, has] = FLAGS[bit]!;
      const l = weights[field];
      this.restMissing[bit] = l.missing;
      this.restMost[bit] = has(a) ? Math.max(l.exact, l.close, l.partial, l.different, l.missing) : l.missing;
    }
    this.rest.fill(NaN);
  }

  /** The most the fields the digest does not see can add, for a candidate that has those in `mask` (missing where either lacks one). */
  private restFor(mask: number): number {
    let most = this.rest[mask]!;
    if (Number.isNaN(most)) {
      most = 0;
      for (let bit = 0; bit < FLAGS.length; bit++) most += (mask & (1 << bit)) !== 0 ? this.restMost[bit]! : this.restMissing[bit]!;
      this.rest[mask] = most;
    }
    return most;
  }

  /**
   * Whether the candidate at `position` may score `floor` or more against the prepared record (`records` holds
   * it, read only to compare names the first time a pair of them is met). Names and place names are counted at
   * their most first, and looked up only for a candidate that the rest does not already rule out.
   */
  mayReach(position: number, records: readonly PreparedRecord[], floor: number): boolean {
    const a = this.a!;
    const gender = this.gender[position]!;
    let bound = this.birthWeight(this.birth[position]!) + this.phoneWeight(this.phone[position]!, this.phoneLength[position]!);
    bound += this.aGender === 0 || gender === 0 ? this.genderMissing : this.aGender === gender ? this.genderExact : this.genderDifferent;
    bound += this.restFor(this.present[position]!);
    const locality = this.locality[position]!;
    const city = this.city[position]!;
    const region = this.region[position]!;
    const places = this.placeAtMost(0, a.locality, locality) + this.placeAtMost(1, a.city, city) + this.placeAtMost(2, a.region, region);
    if (bound + this.namesMost + places < floor) return false;
    bound += this.nameWeight(position, records);
    if (bound + places < floor) return false;
    return bound + this.placeWeight(0, 'locality', a.locality, locality) + this.placeWeight(1, 'city', a.city, city) + this.placeWeight(2, 'region', a.region, region) >= floor;
  }

  /** A place name's weight when equality settles it (missing, the same), else the most a different one can weigh. */
  private placeAtMost(i: number, a: string | null, b: string | null): number {
    if (a === null || b === null) return this.placeMissing[i]!;
    return a === b ? this.placeExact[i]! : this.placeOpen[i]!;
  }

  private nameWeight(position: number, records: readonly PreparedRecord[]): number {
    const family = this.family[position]!;
    const given = this.given[position]!;
    let byGiven = this.names.get(family);
    if (byGiven === undefined) this.names.set(family, (byGiven = new Map()));
    let weight = byGiven.get(given);
    if (weight === undefined) {
      const names = compareNames(this.a!, records[position]!);
      weight = this.w.familyName[names.family.level] + this.w.givenName[names.given.level];
      byGiven.set(given, weight);
    }
    return weight;
  }

  private birthWeight(b: number): number {
    const l = this.w.birthDate;
    const a = this.aBirth;
    if (a === MISSING || b === MISSING) return l.missing;
    if (a === UNKNOWN || b === UNKNOWN) return this.birthMost;
    if (a === b) return l.exact;
    // More than two digits not shared: more than two edits (partial at most allows two), and no day-month swap.
    digitCounts(b, 8, this.scratch);
    return bagDistance(this.aBirthDigits, this.scratch) > 2 ? l.different : this.birthOpen;
  }

  private phoneWeight(b: number, length: number): number {
    const l = this.w.phone;
    const aLength = this.aPhoneLength;
    if (aLength === MISSING || length === MISSING) return l.missing;
    if (aLength === UNKNOWN || length === UNKNOWN) return this.phoneMost;
    if (aLength === length && this.aPhone === b) return l.exact;
    // One written with an area or country code, the other without.
    if (aLength >= 7 && length >= 7 && (endsWith(b, length, this.aPhone, aLength) || endsWith(this.aPhone, aLength, b, length))) return this.phoneOpen;
    // Close otherwise needs one edit: lengths one apart at most, and at most one digit not shared.
    if (Math.abs(aLength - length) > 1) return l.different;
    digitCounts(b, length, this.scratch);
    return bagDistance(this.aPhoneDigits, this.scratch) > 1 ? l.different : this.phoneOpen;
  }

  private placeWeight(i: number, field: 'locality' | 'city' | 'region', a: string | null, b: string | null): number {
    const l = this.w[field];
    if (a === null || b === null) return l.missing;
    if (a === b) return l.exact;
    const seen = this.places[i]!;
    let weight = seen.get(b);
    if (weight === undefined) {
      weight = l[compareText(a, b).level];
      // Place names are interned (a few thousand for a country); a free-text one is remembered only a while.
      if (seen.size < 10_000) seen.set(b, weight);
    }
    return weight;
  }

  private grow(size: number): void {
    const grown = <T extends Int32Array | Float64Array | Int8Array | Uint8Array>(array: T, make: (n: number) => T): T => {
      const next = make(size);
      next.set(array);
      return next;
    };
    this.birth = grown(this.birth, (n) => new Int32Array(n));
    this.phone = grown(this.phone, (n) => new Float64Array(n));
    this.phoneLength = grown(this.phoneLength, (n) => new Int8Array(n));
    this.gender = grown(this.gender, (n) => new Int8Array(n));
    this.present = grown(this.present, (n) => new Uint8Array(n));
  }
}

const MISSING = -1;
/** A value the digest cannot hold as a number (a date not of eight digits, a phone too long): bounded at its most. */
const UNKNOWN = -2;

/** The fields a digest does not compare, each with whether a record has it. */
const FLAGS: readonly (readonly [FieldName, (r: PreparedRecord) => boolean])[] = [
  ['residentId', (r) => r.residentId !== null],
  ['identifier', (r) => r.identifiers.size > 0],
  ['streetNumber', (r) => r.streetNumber !== null],
  ['postcode', (r) => r.postcode !== null],
  ['street', (r) => r.street !== null],
  ['addressLine2', (r) => r.addressLine2 !== null],
];

function birthNumber(birth: string | null): number {
  if (birth === null) return MISSING;
  return /^\d{8}$/.test(birth) ? Number(birth) : UNKNOWN;
}

/** National digits as a number and their count (leading zeros count); phones of more than 15 digits are UNKNOWN. */
function phoneNumber(phone: string | null): [number, number] {
  if (phone === null) return [0, MISSING];
  return /^\d{1,15}$/.test(phone) ? [Number(phone), phone.length] : [0, UNKNOWN];
}

function genderCode(gender: PreparedRecord['gender']): number {
  return gender === null ? 0 : gender === 'male' ? 1 : 2;
}

/**
 * How many of each digit `value` written with `length` digits (leading zeros included) has. In two halves of
 * eight digits, so that the arithmetic stays on small integers (a remainder of a double is a library call).
 */
function digitCounts(value: number, length: number, counts: Int8Array): void {
  counts.fill(0);
  let low = (value % 100_000_000) | 0;
  const high = Math.floor(value / 100_000_000) | 0;
  for (let i = 0; i < length; i++) {
    if (i === 8) low = high;
    const digit = low % 10;
    counts[digit]!++;
    low = (low / 10) | 0;
  }
}

/**
 * max(digits of a not in b, digits of b not in a), counted with repetition: a lower bound on the edit distance,
 * as an insertion, deletion or substitution changes each count by at most one and a swap changes none.
 */
function bagDistance(aCounts: Int8Array, scratch: Int8Array): number {
  let onlyA = 0;
  let onlyB = 0;
  for (let d = 0; d < 10; d++) {
    const diff = aCounts[d]! - scratch[d]!;
    if (diff > 0) onlyA += diff;
    else onlyB -= diff;
  }
  return Math.max(onlyA, onlyB);
}

const POWERS_OF_TEN = Array.from({ length: 16 }, (_, i) => 10 ** i);

/** Whether `long` (of `longLength` digits) ends with `short` (of `shortLength`). */
function endsWith(long: number, longLength: number, short: number, shortLength: number): boolean {
  return longLength > shortLength && long % POWERS_OF_TEN[shortLength]! === short;
}
