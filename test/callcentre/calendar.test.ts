import { describe, expect, it } from 'vitest';
import { HospitalCalendar } from '../../src/modules/feedback/calendar.js';

const calendar = new HospitalCalendar('Asia/Shanghai');

describe('the hospital calendar', () => {
  it('knows National Day as a holiday and the Sunday worked in its place as a working day', () => {
    expect(calendar.isWorkingDay('2026-10-01')).toBe(false);
    expect(calendar.isWorkingDay('2026-09-20')).toBe(true);
    expect(calendar.isWorkingDay('2026-11-21')).toBe(false);
    expect(calendar.isWorkingDay('2026-11-23')).toBe(true);
  });

  it('counts a deadline in working hours across the evening, lunch and the Golden Week', () => {
    // Wednesday 30 September 16:00 in Beijing: 1.5 hours today, then Oct 1–7 off, then 08:00–12:00 and 13:30–16:00 on the 8th.
    expect(calendar.addWorkingHours(new Date('2026-09-30T08:00:00Z'), 8).toISOString()).toBe('2026-10-08T08:00:00.000Z');
    // Monday 23 November 10:00: two hours before lunch, two after.
    expect(calendar.addWorkingHours(new Date('2026-11-23T02:00:00Z'), 4).toISOString()).toBe('2026-11-23T07:30:00.000Z');
  });

  it('falls back to the statutory days off for a year whose notice it does not have yet', () => {
    const fresh = new HospitalCalendar('Asia/Shanghai');
    expect(fresh.hasPublishedYear(2031)).toBe(false);
    // 2031: 春节 on 23 January (除夕 the 22nd), 端午 on 24 June, 中秋 on 1 October (National Day anyway).
    for (const day of ['2031-01-01', '2031-01-22', '2031-01-23', '2031-01-24', '2031-05-01', '2031-05-02', '2031-06-24', '2031-10-03']) {
      expect(fresh.isWorkingDay(day), day).toBe(false);
    }
    expect(fresh.isWorkingDay('2031-01-27')).toBe(true);
    expect(fresh.isWorkingDay('2031-05-05')).toBe(true);
    expect(fresh.hasPublishedYear(2026)).toBe(true);
  });

  it('takes a year the hospital adds itself', () => {
    const extended = new HospitalCalendar('Asia/Shanghai', undefined, { 2031: { holidays: ['2031-05-01'], workdays: ['2031-04-27'] } });
    expect(extended.isWorkingDay('2031-05-01')).toBe(false);
    expect(extended.isWorkingDay('2031-04-27')).toBe(true);
    expect(extended.isWorkingDay('2031-05-05')).toBe(true);
  });
});
