import { createRequire } from 'node:module';
import { Lunar, Solar } from 'lunar-typescript';
import { addDays, instantAtLocalTime, localDate } from '../../lib/clock.js';

/**
 * The hospital's working calendar: China's public holidays and the weekend days that become working days (调休),
 * from the maintained `chinese-days` data (State Council notices, one year at a time), plus years the hospital
 * adds itself before the package catches up. For a year neither knows yet (the notice comes out each November,
 * so complaints taken in December already have deadlines in it) the statutory days off are used, without the
 * swapped weekends the notice will add: a deadline may then fall a working day early, never on a statutory holiday,
 * and intake never stops for want of a calendar.
 */
export interface YearTable {
  /** Days off on weekdays (YYYY-MM-DD). */
  holidays: string[];
  /** Saturdays and Sundays worked (YYYY-MM-DD). */
  workdays: string[];
}

const require = createRequire(import.meta.url);
const shipped = require('chinese-days/dist/chinese-days.json') as { holidays: Record<string, string>; workdays: Record<string, string> };

export type WorkingPeriod = readonly [start: string, end: string];
/** 08:00–12:00 and 13:30–17:30, the administrative day of most hospitals. */
export const DEFAULT_WORKING_PERIODS: readonly WorkingPeriod[] = [
  ['08:00', '12:00'],
  ['13:30', '17:30'],
];

export class HospitalCalendar {
  readonly #holidays = new Set<string>();
  readonly #workdays = new Set<string>();
  readonly #years = new Set<number>();
  readonly #statutoryOnly = new Set<number>();

  constructor(
    readonly timeZone: string,
    readonly periods: readonly WorkingPeriod[] = DEFAULT_WORKING_PERIODS,
    extraYears: Record<number, YearTable> = {},
  ) {
    for (const day of Object.keys(shipped.holidays)) this.#add(day, this.#holidays);
    for (const day of Object.keys(shipped.workdays)) this.#add(day, this.#workdays);
    for (const [year, table] of Object.entries(extraYears)) {
      this.#years.add(Number(year));
      for (const day of table.holidays) this.#holidays.add(day);
      for (const day of table.workdays) this.#workdays.add(day);
    }
  }

  #add(day: string, into: Set<string>): void {
    into.add(day);
    this.#years.add(Number(day.slice(0, 4)));
  }

  /** The days off of 《全国年节及纪念日放假办法》 (2025): 元旦, 春节 (除夕 to 初三), 清明, 劳动节 (2), 端午, 中秋, 国庆 (3). */
  #addStatutoryYear(year: number): void {
    const newYear = Lunar.fromYmd(year, 1, 1).getSolar();
    const qingming = Solar.fromYmd(year, 4, 15).getLunar().getJieQiTable()['清明'];
    const days = [
      `${year}-01-01`,
      ...[-1, 0, 1, 2].map((offset) => newYear.next(offset).toYmd()),
      ...(qingming ? [qingming.toYmd()] : []),
      `${year}-05-01`,
      `${year}-05-02`,
      Lunar.fromYmd(year, 5, 5).getSolar().toYmd(),
      Lunar.fromYmd(year, 8, 15).getSolar().toYmd(),
      `${year}-10-01`,
      `${year}-10-02`,
      `${year}-10-03`,
    ];
    for (const day of days) this.#holidays.add(day);
    this.#statutoryOnly.add(year);
    this.#years.add(year);
  }

  /** Whether the year's days off come from a published notice (false: statutory days only, see above). */
  hasPublishedYear(year: number): boolean {
    return this.#years.has(year) && !this.#statutoryOnly.has(year);
  }

  knowsYear(year: number): boolean {
    return this.#years.has(year);
  }

  isWorkingDay(date: string): boolean {
    const year = Number(date.slice(0, 4));
    if (!this.#years.has(year)) this.#addStatutoryYear(year);
    if (this.#holidays.has(date)) return false;
    if (this.#workdays.has(date)) return true;
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    return weekday !== 0 && weekday !== 6;
  }

  /** The instant `hours` working hours after `from`, skipping nights, lunch, weekends and holidays. */
  addWorkingHours(from: Date, hours: number): Date {
    let remaining = hours * 3_600_000;
    let date = localDate(from, this.timeZone);
    let cursor = from.getTime();
    for (let guard = 0; guard < 3660; guard++) {
      if (this.isWorkingDay(date)) {
        for (const [start, end] of this.periods) {
          const s = Math.max(instantAtLocalTime(date, start, this.timeZone).getTime(), cursor);
          const e = instantAtLocalTime(date, end, this.timeZone).getTime();
          if (s >= e) continue;
          if (e - s >= remaining) return new Date(s + remaining);
          remaining -= e - s;
          cursor = e;
        }
      }
      date = addDays(date, 1);
    }
    throw new Error('addWorkingHours: no working time within ten years');
  }
}
