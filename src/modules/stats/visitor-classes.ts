/**
 * The age pyramid's rollup entries: a visitor's previous visit day (in a scope) and class (birth date and gender) as
 * two int32s, packed into one blob per day and scope (see stats_day_visitors). A class keeps the whole birth date, so
 * the age on any period's last day is exact.
 */

/** The previous day of a first visit: before every day. */
export const NO_PREVIOUS_DAY = -1_000_000;
const ENTRY_BYTES = 8;
const GENDERS = ['male', 'female', 'other', 'unknown'] as const;

/** Days since 1970-01-01 of a local date (YYYY-MM-DD). */
export function dayNumber(day: string): number {
  return Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) / 86_400_000;
}

/** YYYYMMDD × 4 + gender (male 0, female 1, other 2, anything else 3); no birth date is 0. */
export function classCode(birthDate: string | null, gender: string | null): number {
  const m = birthDate ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate) : null;
  const ymd = m ? Number(m[1]) * 10_000 + Number(m[2]) * 100 + Number(m[3]) : 0;
  const g = (GENDERS as readonly (string | null)[]).indexOf(gender);
  return ymd * 4 + (g < 0 ? 3 : g);
}

export function classOf(code: number): { birthDate: string | null; gender: (typeof GENDERS)[number] } {
  const ymd = Math.floor(code / 4);
  const birthDate = ymd === 0 ? null : `${String(Math.floor(ymd / 10_000)).padStart(4, '0')}-${String(Math.floor(ymd / 100) % 100).padStart(2, '0')}-${String(ymd % 100).padStart(2, '0')}`;
  return { birthDate, gender: GENDERS[code % 4]! };
}

/** One day's entries ([previous day, class] each) as a blob sorted by previous day. */
export function packVisitors(entries: readonly (readonly [number, number])[]): Buffer {
  const sorted = [...entries].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const blob = Buffer.alloc(sorted.length * ENTRY_BYTES);
  sorted.forEach(([prev, code], i) => {
    blob.writeInt32LE(prev, i * ENTRY_BYTES);
    blob.writeInt32LE(code, i * ENTRY_BYTES + 4);
  });
  return blob;
}

/** Adds to `counts` (by class) the day's visitors whose previous visit came before `firstDay`: a binary search, then a prefix. */
export function countVisitorsBefore(blob: Buffer, firstDay: number, counts: Map<number, number>): void {
  let lo = 0;
  let hi = blob.length / ENTRY_BYTES;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (blob.readInt32LE(mid * ENTRY_BYTES) < firstDay) lo = mid + 1;
    else hi = mid;
  }
  for (let i = 0; i < lo; i++) {
    const code = blob.readInt32LE(i * ENTRY_BYTES + 4);
    counts.set(code, (counts.get(code) ?? 0) + 1);
  }
}
