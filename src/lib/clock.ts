/** The one source of "now". Services read time from the context, which a route or job fills from a Clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that tests move by hand, so reminders, SLAs and festivals are checked without sleeping. */
export class ManualClock implements Clock {
  #current: number;

  constructor(start: Date | string) {
    this.#current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.#current);
  }

  set(instant: Date | string): void {
    this.#current = new Date(instant).getTime();
  }

  advance(ms: number): void {
    this.#current += ms;
  }
}

/** Instants are stored everywhere as ISO-8601 UTC text with milliseconds: readable and sortable. */
export function toInstant(date: Date): string {
  return date.toISOString();
}

// Building an Intl formatter costs far more than using one.
const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar date (YYYY-MM-DD) of an instant in the hospital's time zone. */
export function localDate(instant: Date, timeZone: string): string {
  // Every patient read asks for "today"; zone offsets are whole minutes, so one UTC minute has one local date.
  const minute = Math.floor(instant.getTime() / 60_000);
  if (lastDate.minute === minute && lastDate.timeZone === timeZone) return lastDate.date;
  let format = dateFormats.get(timeZone);
  if (!format) dateFormats.set(timeZone, (format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  const date = format.format(instant);
  lastDate = { minute, timeZone, date };
  return date;
}

let lastDate = { minute: NaN, timeZone: '', date: '' };

/** The instant at which a calendar date begins in the given time zone (Asia/Shanghai's 2026-01-01 → 2025-12-31T16:00Z). */
export function startOfLocalDay(date: string, timeZone: string): Date {
  const guess = new Date(`${date}T00:00:00Z`);
  const first = new Date(guess.getTime() - zoneOffsetMs(guess, timeZone));
  // A second pass settles dates on which the zone's offset changes (daylight saving).
  return new Date(guess.getTime() - zoneOffsetMs(first, timeZone));
}

// Building an Intl.DateTimeFormat costs far more than formatting with one; imports convert a local time per row.
const offsetFormats = new Map<string, Intl.DateTimeFormat>();

function zoneOffsetMs(instant: Date, timeZone: string): number {
  let format = offsetFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    offsetFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The instant a local wall-clock time (`HH:MM`) on a calendar date happens in the time zone. */
export function instantAtLocalTime(date: string, time: string, timeZone: string): Date {
  const guess = new Date(`${date}T${time}:00Z`);
  const first = new Date(guess.getTime() - zoneOffsetMs(guess, timeZone));
  return new Date(guess.getTime() - zoneOffsetMs(first, timeZone));
}

/** The local wall-clock time (`HH:MM`) of an instant in the time zone. */
export function localTime(instant: Date, timeZone: string): string {
  const local = new Date(instant.getTime() + zoneOffsetMs(instant, timeZone));
  return local.toISOString().slice(11, 16);
}
