/**
 * Seeded randomness and calendar arithmetic for the demo generator. Everything here is a pure function of its
 * seed, so the same seed always yields the same hospital on every machine (no Math.random, no local time zone).
 */

/** splitmix32: spreads nearby seeds (1, 2, 3…) into unrelated states. */
export function mix32(value: number): number {
  let z = (value + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** sfc32: small, fast, passes PractRand far beyond what a demo needs. */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream = 0) {
    this.a = mix32(seed);
    this.b = mix32(this.a ^ stream);
    this.c = mix32(this.b + 0x6d2b79f5);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** [0, 1) */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Inclusive at both ends. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Fixed-width decimal digits, e.g. the tail of a phone number. */
  digits(length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += String.fromCharCode(48 + Math.floor(this.next() * 10));
    return out;
  }
}

/** Cumulative weights built once, so a weighted pick in the hot loop is a short binary search. */
export class WeightedTable<T> {
  private readonly items: readonly T[];
  private readonly cumulative: Float64Array;
  private readonly total: number;

  constructor(entries: readonly (readonly [T, number])[]) {
    if (entries.length === 0) throw new Error('weighted table needs at least one entry');
    this.items = entries.map(([item]) => item);
    this.cumulative = new Float64Array(entries.length);
    let sum = 0;
    entries.forEach(([, weight], i) => {
      if (!(weight >= 0)) throw new Error(`weight must be non-negative, got ${weight}`);
      sum += weight;
      this.cumulative[i] = sum;
    });
    if (sum <= 0) throw new Error('weights must not all be zero');
    this.total = sum;
  }

  pick(random: Random): T {
    const target = random.next() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo]!;
  }
}

export function weightedPick<T>(random: Random, entries: readonly (readonly [T, number])[]): T {
  return new WeightedTable(entries).pick(random);
}

/**
 * A keyed bijection of [0, size): a balanced Feistel network over the next even power of two, with cycle
 * walking to stay inside `size`. It turns a running index into a scattered but collision-free number, which is
 * how MRN-like values, phone tails and resident-ID sequence slots stay unique without remembering what was used.
 */
export class IndexPermutation {
  private readonly halfBits: number;
  private readonly halfMask: number;
  private readonly keys: number[];

  constructor(
    readonly size: number,
    seed: number,
  ) {
    if (!Number.isSafeInteger(size) || size < 2) throw new Error(`permutation size must be an integer ≥ 2, got ${size}`);
    let bits = Math.ceil(Math.log2(size));
    if (bits % 2 === 1) bits++;
    this.halfBits = Math.max(1, bits / 2);
    if (this.halfBits > 26) throw new Error('permutation domain too large');
    this.halfMask = 2 ** this.halfBits - 1;
    this.keys = [1, 2, 3, 4].map((round) => mix32(seed * 31 + round));
  }

  apply(index: number): number {
    if (index < 0 || index >= this.size) throw new Error(`index ${index} outside the permutation domain ${this.size}`);
    let value = index;
    do value = this.encrypt(value);
    while (value >= this.size);
    return value;
  }

  private encrypt(value: number): number {
    const scale = this.halfMask + 1;
    let left = Math.floor(value / scale);
    let right = value % scale;
    for (const key of this.keys) {
      const next = (left ^ (mix32(right ^ key) & this.halfMask)) >>> 0;
      left = right;
      right = next;
    }
    return left * scale + right;
  }
}

// Calendar dates as day numbers since 1970-01-01, so date arithmetic never touches the local time zone.
const DAY_MS = 86_400_000;

export function dayNumber(date: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new Error(`expected a YYYY-MM-DD date, got ${JSON.stringify(date)}`);
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  if (new Date(ms).toISOString().slice(0, 10) !== date) throw new Error(`${date} is not a calendar date`);
  return ms / DAY_MS;
}

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

/** Hinnant's days-to-civil: the generator formats millions of dates, and Date#toISOString was its hottest spot. */
export function dateOfDay(day: number): string {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${y < 1000 ? String(y).padStart(4, '0') : y}-${TWO_DIGITS[m]}-${TWO_DIGITS[d]}`;
}

/** The same calendar day `years` later (negative: earlier); 29 February falls back to the 28th. */
export function addYears(date: string, years: number): string {
  const y = Number(date.slice(0, 4)) + years;
  const md = date.slice(5);
  const candidate = `${String(y).padStart(4, '0')}-${md}`;
  return md === '02-29' && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)) ? `${candidate.slice(0, 8)}28` : candidate;
}

/** Whole years between a birth date and a later date. */
export function ageOn(birthDate: string, date: string): number {
  const years = Number(date.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return date.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

/** A wall-clock time on a calendar day at a fixed UTC offset, as an ISO-8601 UTC instant (Date#toISOString's format). */
export function instantAt(day: number, minuteOfDay: number, utcOffsetMinutes: number): string {
  const utcMinutes = minuteOfDay - utcOffsetMinutes;
  const dayShift = Math.floor(utcMinutes / 1440);
  const minute = utcMinutes - dayShift * 1440;
  return `${dateOfDay(day + dayShift)}T${TWO_DIGITS[Math.floor(minute / 60)]}:${TWO_DIGITS[minute % 60]}:00.000Z`;
}
