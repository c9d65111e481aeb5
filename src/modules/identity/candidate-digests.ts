import type { AgreementLevel, FieldName } from './identity.schemas.js';
import { compareNameParts, compareText, crosses, LEVELS, RANK } from './comparators.js';
import type { PreparedRecord } from './prepared-record.js';
import type { WeightTable } from './weights.js';
import { MEMO_SIZE, PartMemo, PlaceMemo } from './digest-memos.js';
import { birthNumber, digitCounts, endsWith, excess, MISSING, phoneNumber, textHash, UNKNOWN } from './digest-numbers.js';

/**
 * A few numbers per record of the index that bound a candidate's score without reading the candidate's own
 * record. In a million-record index a deep block (a common surname born in one year) brings a thousand
 * candidates, each record somewhere else in memory; reading them cost more than scoring them. The digests answer
 * most of them from data held together: names and place names by number (the same number, the same shared
 * object or string; their weights remembered per incoming record), birth dates and phones as numbers, whose
 * digits tell "certainly different" (more keying errors than close or partial allow) from "perhaps close", and
 * the rest at the most it could weigh. The bound is never below the true score, so a candidate it drops could not
 * have reached the bar.
 *
 * A record's digest is sixteen integers, one cache line, with the search's marks for it (gathered in this search,
 * forgotten, its trusted resident ID's hash): a candidate costs one memory read, where a field per array cost a
 * cache miss per field (at a million records, most of the time of a match).
 */
export class CandidateDigests {
  /**
   * The digests live in a WebAssembly memory only because its start is page-aligned: each digest then fills
   * exactly one cache line. A typed array's own buffer starts wherever malloc puts it (16 bytes into a page for
   * a large one), which splits every digest over two lines and costs a second miss per candidate.
   */
  private readonly memory = new WebAssembly.Memory({ initial: 1 });
  private d = new Int32Array(this.memory.buffer);
  /** Positions set so far (the marks to clear when the search counter wraps). */
  private count = 0;
  private search = 0;
  /** Place names by number (0: none); past PLACES_LIMIT distinct ones a new name is UNKNOWN and read from the record. */
  private readonly placeIds = new Map<string, number>();
  private readonly placesLimit: number;
  private readonly memoSize: number;

  // The incoming record the bounds are for, and what is known of it.
  private a: PreparedRecord | null = null;
  private w!: Record<FieldName, Record<AgreementLevel, number>>;
  private aBirth = UNKNOWN;
  private aBirthDigits = 0;
  private aBirthDigitsHigh = 0;
  private aPhoneLow = 0;
  private aPhoneHigh = 0;
  private aPhoneLength = UNKNOWN;
  private aPhoneDigits = 0;
  private aPhoneDigitsHigh = 0;
  private aGender = 0;
  private aPlaces = new Int32Array(3);
  /** Counts the records prepared: a memo entry holds for the record prepared when it was written. */
  private prepared = 0;
  private readonly familyMemo: PartMemo;
  private readonly givenMemo: PartMemo;
  private readonly placeMemos: PlaceMemo[];
  /** Name weights by agreement rank. */
  private familyWeights = new Float64Array(LEVELS.length);
  private givenWeights = new Float64Array(LEVELS.length);
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
  private placeMost = new Float64Array(3);
  private birthOpen = 0;
  private birthMost = 0;
  private phoneOpen = 0;
  private phoneMost = 0;

  /**
   * `placesLimit` (how many distinct place names are numbered) and `memoSize` (slots of the per-record memos, a
   * power of two) are for tests: small ones take the paths a huge index or a crowded memo would.
   */
  constructor(options: { placesLimit?: number; memoSize?: number } = {}) {
    this.placesLimit = options.placesLimit ?? PLACES_LIMIT;
    this.memoSize = options.memoSize ?? MEMO_SIZE;
    if ((this.memoSize & (this.memoSize - 1)) !== 0) throw new RangeError(`memoSize must be a power of two, not ${this.memoSize}`);
    this.familyMemo = new PartMemo(this.memoSize);
    this.givenMemo = new PartMemo(this.memoSize);
    this.placeMemos = [new PlaceMemo(this.memoSize), new PlaceMemo(this.memoSize), new PlaceMemo(this.memoSize)];
  }

  /** Keeps the digest of the record stored at `position`, with its trusted resident ID (see MatchIndex) if any. */
  set(position: number, r: PreparedRecord, trustedResidentId: string | null = null): void {
    if ((position + 1) * STRIDE > this.d.length) this.grow(Math.max(position + 1, (this.d.length / STRIDE) * 2));
    this.count = Math.max(this.count, position + 1);
    const d = this.d;
    const i = position * STRIDE;
    const birth = birthNumber(r.birth);
    d[i + BIRTH] = birth;
    d[i + BIRTH_DIGITS] = birth >= 0 ? digitCounts(birth, 0, 8, false) : 0;
    d[i + BIRTH_DIGITS_HIGH] = birth >= 0 ? digitCounts(birth, 0, 8, true) : 0;
    const [low, high, length] = phoneNumber(r.phone);
    d[i + PHONE_LOW] = low;
    d[i + PHONE_HIGH] = high;
    d[i + PHONE_LENGTH] = length;
    d[i + PHONE_DIGITS] = length > 0 ? digitCounts(low, high, length, false) : 0;
    d[i + PHONE_DIGITS_HIGH] = length > 0 ? digitCounts(low, high, length, true) : 0;
    let present = 0;
    FLAGS.forEach(([, has], bit) => (present |= has(r) ? 1 << bit : 0));
    d[i + FAMILY] = r.family?.id ?? 0;
    d[i + GIVEN] = r.given?.id ?? 0;
    d[i + LOCALITY] = this.placeId(r.locality);
    d[i + CITY] = this.placeId(r.city);
    d[i + REGION] = this.placeId(r.region);
    d[i + STATE] = genderCode(r.gender) | (trustedResidentId === null ? 0 : HAS_TRUSTED) | (present << PRESENT_SHIFT);
    d[i + TRUSTED_HASH] = trustedResidentId === null ? 0 : textHash(trustedResidentId);
    d[i + MARK] = 0;
  }

  /** The record at `position` no longer counts (its slot stays, as blocks still point at it). */
  forget(position: number): void {
    const i = position * STRIDE + STATE;
    this.d[i] = this.d[i]! | GONE;
  }

  gone(position: number): boolean {
    return (this.d[position * STRIDE + STATE]! & GONE) !== 0;
  }

  /** Starts a search: `gather` then takes each position once. */
  startSearch(): void {
    if (this.search === MAX_MARK) {
      for (let p = 0; p < this.count; p++) this.d[p * STRIDE + MARK] = 0;
      this.search = 0;
    }
    this.search++;
  }

  /** Whether `position` is met for the first time in this search (a record shares several blocks with the incoming one). */
  gather(position: number): boolean {
    const i = position * STRIDE + MARK;
    if (this.d[i] === this.search) return false;
    this.d[i] = this.search;
    return true;
  }

  /**
   * Whether the candidate's trusted resident ID is another than `mine` (`mineHash` its textHash): read from
   * `trusted` (the IDs by position) only when the hashes agree.
   */
  otherResidentId(position: number, mine: string, mineHash: number, trusted: readonly (string | null)[]): boolean {
    const i = position * STRIDE;
    if ((this.d[i + STATE]! & HAS_TRUSTED) === 0) return false;
    return this.d[i + TRUSTED_HASH] !== mineHash || trusted[position] !== mine;
  }

  /** Sets up the bounds for one incoming record, scored with `weights`. */
  prepare(a: PreparedRecord, weights: WeightTable): void {
    this.a = a;
    this.w = weights;
    this.aBirth = birthNumber(a.birth);
    if (this.aBirth >= 0) {
      this.aBirthDigits = digitCounts(this.aBirth, 0, 8, false);
      this.aBirthDigitsHigh = digitCounts(this.aBirth, 0, 8, true);
    }
    [this.aPhoneLow, this.aPhoneHigh, this.aPhoneLength] = phoneNumber(a.phone);
    if (this.aPhoneLength > 0) {
      this.aPhoneDigits = digitCounts(this.aPhoneLow, this.aPhoneHigh, this.aPhoneLength, false);
      this.aPhoneDigitsHigh = digitCounts(this.aPhoneLow, this.aPhoneHigh, this.aPhoneLength, true);
    }
    this.aGender = genderCode(a.gender);
    // Looked up, not added: a name no record holds has no number, and then no candidate's equals it.
    this.aPlaces[0] = this.knownPlaceId(a.locality);
    this.aPlaces[1] = this.knownPlaceId(a.city);
    this.aPlaces[2] = this.knownPlaceId(a.region);
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
      this.placeMost[i] = Math.max(l.exact, l.close, l.partial, l.different);
    });
    const b = weights.birthDate;
    this.birthOpen = Math.max(b.close, b.partial, b.different);
    this.birthMost = most(b);
    const p = weights.phone;
    this.phoneOpen = Math.max(p.close, p.partial, p.different);
    this.phoneMost = most(p);
    LEVELS.forEach((level, rank) => {
      this.familyWeights[rank] = weights.familyName[level];
      this.givenWeights[rank] = weights.givenName[level];
    });
    if (this.prepared === MAX_MARK) {
      for (const memo of [this.familyMemo, this.givenMemo, ...this.placeMemos]) memo.mark.fill(0);
      this.prepared = 0;
    }
    this.prepared++;
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
   * it, read only to compare names or places the first time a pair of them is met). Names and place names are
   * counted at their most first, and looked up only for a candidate that the rest does not already rule out.
   */
  mayReach(position: number, records: readonly PreparedRecord[], floor: number): boolean {
    const d = this.d;
    const i = position * STRIDE;
    const state = d[i + STATE]!;
    const gender = state & GENDER;
    let bound = this.birthWeight(i) + this.phoneWeight(i);
    bound += this.aGender === 0 || gender === 0 ? this.genderMissing : this.aGender === gender ? this.genderExact : this.genderDifferent;
    bound += this.restFor(state >>> PRESENT_SHIFT);
    const locality = d[i + LOCALITY]!;
    const city = d[i + CITY]!;
    const region = d[i + REGION]!;
    const places = this.placeAtMost(0, locality) + this.placeAtMost(1, city) + this.placeAtMost(2, region);
    if (bound + this.namesMost + places < floor) return false;
    bound += this.nameWeight(d[i + FAMILY]!, d[i + GIVEN]!, position, records);
    if (bound + places < floor) return false;
    return bound + this.placeWeight(0, locality, position, records) + this.placeWeight(1, city, position, records) + this.placeWeight(2, region, position, records) >= floor;
  }

  /** A place name's weight when equality settles it (missing, the same), else the most a different one can weigh. */
  private placeAtMost(i: number, b: number): number {
    const a = this.aPlaces[i]!;
    if (a === 0 || b === 0) return this.placeMissing[i]!;
    // Two names past the numbering may or may not be the same; a numbered one and another are not.
    if (a === UNKNOWN_PLACE && b === UNKNOWN_PLACE) return this.placeMost[i]!;
    return a === b ? this.placeExact[i]! : this.placeOpen[i]!;
  }

  /**
   * compareNames's weight, from the ranks of the record's two name parts against the candidate's family name and
   * against its given name, each worked out once per incoming record (the same shared parts recur hundreds of times).
   */
  private nameWeight(family: number, given: number, position: number, records: readonly PreparedRecord[]): number {
    const a = this.a!;
    const f = this.familyMemo;
    let slot = family & (this.memoSize - 1);
    if (f.id[slot] !== family || f.mark[slot] !== this.prepared) {
      const b = records[position]!.family;
      f.set(slot, family, this.prepared, RANK[compareNameParts(a.family, b).level], RANK[compareNameParts(a.given, b).level]);
    }
    const straightFamily = f.straight[slot]!;
    const crossedGiven = f.crossed[slot]!;
    const g = this.givenMemo;
    slot = given & (this.memoSize - 1);
    if (g.id[slot] !== given || g.mark[slot] !== this.prepared) {
      const b = records[position]!.given;
      g.set(slot, given, this.prepared, RANK[compareNameParts(a.given, b).level], RANK[compareNameParts(a.family, b).level]);
    }
    const straightGiven = g.straight[slot]!;
    const crossedFamily = g.crossed[slot]!;
    return crosses(straightFamily, straightGiven, crossedFamily, crossedGiven)
      ? this.familyWeights[crossedFamily]! + this.givenWeights[crossedGiven]!
      : this.familyWeights[straightFamily]! + this.givenWeights[straightGiven]!;
  }

  private birthWeight(i: number): number {
    const b = this.d[i + BIRTH]!;
    const l = this.w.birthDate;
    const a = this.aBirth;
    if (a === MISSING || b === MISSING) return l.missing;
    if (a === UNKNOWN || b === UNKNOWN) return this.birthMost;
    if (a === b) return l.exact;
    // More than two digits not shared: more than two edits (partial at most allows two), and no day-month swap.
    // Eight digits each: as many of the record's digits missing from the candidate's as the other way round.
    const missing = excess(this.aBirthDigits, this.d[i + BIRTH_DIGITS]!) + excess(this.aBirthDigitsHigh, this.d[i + BIRTH_DIGITS_HIGH]!);
    return missing > 2 ? l.different : this.birthOpen;
  }

  private phoneWeight(i: number): number {
    const d = this.d;
    const low = d[i + PHONE_LOW]!;
    const high = d[i + PHONE_HIGH]!;
    const length = d[i + PHONE_LENGTH]!;
    const l = this.w.phone;
    const aLength = this.aPhoneLength;
    if (aLength === MISSING || length === MISSING) return l.missing;
    if (aLength === UNKNOWN || length === UNKNOWN) return this.phoneMost;
    if (aLength === length && this.aPhoneLow === low && this.aPhoneHigh === high) return l.exact;
    // One written with an area or country code, the other without.
    if (aLength >= 7 && length >= 7 && (endsWith(low, high, length, this.aPhoneLow, this.aPhoneHigh, aLength) || endsWith(this.aPhoneLow, this.aPhoneHigh, aLength, low, high, length))) {
      return this.phoneOpen;
    }
    // Close otherwise needs one edit: lengths one apart at most, and at most one digit not shared.
    if (Math.abs(aLength - length) > 1) return l.different;
    // The record's digits missing from the candidate's, and (their totals differing by the lengths) the other way.
    const missing = excess(this.aPhoneDigits, d[i + PHONE_DIGITS]!) + excess(this.aPhoneDigitsHigh, d[i + PHONE_DIGITS_HIGH]!);
    return Math.max(missing, missing - aLength + length) > 1 ? l.different : this.phoneOpen;
  }

  private placeWeight(i: number, b: number, position: number, records: readonly PreparedRecord[]): number {
    const field = PLACE_FIELDS[i]!;
    const l = this.w[field];
    const a = this.aPlaces[i]!;
    if (a === 0 || b === 0) return l.missing;
    if (a === b && a !== UNKNOWN_PLACE) return l.exact;
    // Remembered by number for this record; a place past the numbering is compared each time.
    if (b === UNKNOWN_PLACE) return l[compareText(this.a![field], records[position]![field]).level];
    const memo = this.placeMemos[i]!;
    const slot = b & (this.memoSize - 1);
    if (memo.id[slot] !== b || memo.mark[slot] !== this.prepared) memo.set(slot, b, this.prepared, l[compareText(this.a![field], records[position]![field]).level]);
    return memo.weight[slot]!;
  }

  private placeId(place: string | null): number {
    if (place === null) return 0;
    let id = this.placeIds.get(place);
    if (id === undefined) {
      if (this.placeIds.size >= this.placesLimit) return UNKNOWN_PLACE;
      this.placeIds.set(place, (id = this.placeIds.size + 1));
    }
    return id;
  }

  private knownPlaceId(place: string | null): number {
    if (place === null) return 0;
    return this.placeIds.get(place) ?? UNKNOWN_PLACE;
  }

  /** Grows the memory in place (its pages are kept) and views it afresh: growing detaches the old buffer. */
  private grow(positions: number): void {
    const pages = Math.ceil((positions * STRIDE * Int32Array.BYTES_PER_ELEMENT) / WASM_PAGE) - this.memory.buffer.byteLength / WASM_PAGE;
    if (pages > 0) this.memory.grow(pages);
    this.d = new Int32Array(this.memory.buffer);
  }
}

/** Integers per digest: sixteen, so that one takes 64 bytes, a cache line. */
const STRIDE = 16;
const BIRTH = 0;
/** A phone's last eight digits, the digits before them, and how many digits it has (or MISSING, UNKNOWN). */
const PHONE_LOW = 1;
const PHONE_HIGH = 2;
const PHONE_LENGTH = 3;
/** Gender (GENDER bits), HAS_TRUSTED, GONE (forgotten), and which fields of FLAGS the record has (from PRESENT_SHIFT). */
const STATE = 4;
const GENDER = 0b11;
const HAS_TRUSTED = 0b100;
const GONE = 0b1000;
const PRESENT_SHIFT = 8;
const FAMILY = 5;
const GIVEN = 6;
const LOCALITY = 7;
const CITY = 8;
const REGION = 9;
const TRUSTED_HASH = 10;
/** The search in which the position was last gathered. */
const MARK = 11;
/** How many of each digit the birth date and the phone have (digitCounts): digits 0 to 7, then 8 and 9. */
const BIRTH_DIGITS = 12;
const BIRTH_DIGITS_HIGH = 13;
const PHONE_DIGITS = 14;
const PHONE_DIGITS_HIGH = 15;
const MAX_MARK = 0x7fffffff;
const WASM_PAGE = 65_536;
const PLACE_FIELDS = ['locality', 'city', 'region'] as const;
/** Distinct place names numbered (a country has a few thousand; free text could have any number). */
const PLACES_LIMIT = 1 << 20;
const UNKNOWN_PLACE = -1;

/** The fields a digest does not compare, each with whether a record has it. */
const FLAGS: readonly (readonly [FieldName, (r: PreparedRecord) => boolean])[] = [
  ['residentId', (r) => r.residentId !== null],
  ['identifier', (r) => r.identifiers.size > 0],
  ['streetNumber', (r) => r.streetNumber !== null],
  ['postcode', (r) => r.postcode !== null],
  ['street', (r) => r.street !== null],
  ['addressLine2', (r) => r.addressLine2 !== null],
];

function genderCode(gender: PreparedRecord['gender']): number {
  return gender === null ? 0 : gender === 'male' ? 1 : 2;
}
