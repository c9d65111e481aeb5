import { parse, validate, type ParsedFields } from 'node-cron';
import { addDays, instantAtLocalTime, localDate } from '../lib/clock.js';

/**
 * When a cron expression fires, computed in the hospital's time zone from any instant, so the scheduler can tell
 * the slot it owes (catch-up after downtime) and the next run, with a clock the tests move. The fields come from
 * node-cron's own parser, so what we compute and what node-cron triggers read the expression the same way.
 */
export class CronSchedule {
  readonly #fields: ParsedFields;
  readonly #dayOfMonthAny: boolean;
  readonly #dayOfWeekAny: boolean;

  constructor(
    readonly expression: string,
    readonly timeZone: string,
  ) {
    if (!validate(expression)) throw new Error(`"${expression}" is not a cron expression`);
    const fields = parse(expression);
    if ([...fields.dayOfMonth, ...fields.dayOfWeek].some((v) => typeof v !== 'number')) {
      throw new Error(`"${expression}": L, W and # day forms are not supported by the scheduler`);
    }
    this.#fields = fields;
    this.#dayOfMonthAny = fields.dayOfMonth.length >= 31;
    this.#dayOfWeekAny = fields.dayOfWeek.length >= 7;
  }

  /** The first slot strictly after the instant, within about a year (null if none). */
  nextAfter(instant: Date): Date | null {
    let day = localDate(instant, this.timeZone);
    for (let i = 0; i < 400; i++, day = addDays(day, 1)) {
      if (!this.#matchesDay(day)) continue;
      const found = this.#slotsOf(day).find((slot) => slot > instant);
      if (found) return found;
    }
    return null;
  }

  /** The latest slot at or before the instant, within about a year (null if none). */
  latestAtOrBefore(instant: Date): Date | null {
    let day = localDate(instant, this.timeZone);
    for (let i = 0; i < 400; i++, day = addDays(day, -1)) {
      if (!this.#matchesDay(day)) continue;
      const found = this.#slotsOf(day).reverse().find((slot) => slot <= instant);
      if (found) return found;
    }
    return null;
  }

  #matchesDay(day: string): boolean {
    const [, month, dom] = day.split('-').map(Number) as [number, number, number];
    if (!this.#fields.month.includes(month)) return false;
    const dow = new Date(`${day}T00:00:00Z`).getUTCDay();
    const byDom = this.#fields.dayOfMonth.includes(dom);
    const byDow = this.#fields.dayOfWeek.includes(dow);
    // Classic cron: when both day fields are restricted, either one matching is enough.
    if (!this.#dayOfMonthAny && !this.#dayOfWeekAny) return byDom || byDow;
    return byDom && byDow;
  }

  /** Every slot of a local day in order; one zone conversion per hour keeps a per-minute job cheap. */
  #slotsOf(day: string): Date[] {
    const slots: Date[] = [];
    const { hour, minute, second } = this.#fields;
    for (const h of [...hour].sort((a, b) => a - b)) {
      const top = instantAtLocalTime(day, `${String(h).padStart(2, '0')}:00`, this.timeZone).getTime();
      for (const m of [...minute].sort((a, b) => a - b)) {
        for (const s of [...second].sort((a, b) => a - b)) slots.push(new Date(top + m * 60_000 + s * 1000));
      }
    }
    return slots;
  }
}
