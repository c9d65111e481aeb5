import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('booking configuration', () => {
  it('has the issue’s defaults on an empty environment', () => {
    expect(loadConfig({}).appointments).toEqual({
      bookingWindowDays: 14,
      scheduleDaysAhead: 14,
      cancelCutoffHours: 2,
      maxOpenBookings: 5,
      reserveReleaseHours: 24,
      noShowGraceMinutes: 30,
      noShowLimit: 3,
      waitlistHoldMinutes: 30,
      reminders: [
        { kind: 'day-before', time: '18:00' },
        { kind: 'hours', hours: 2 },
      ],
      remindersByType: {},
    });
  });

  it('reads reminder offsets and limits from the environment', () => {
    const config = loadConfig({ HCRM_APPOINTMENT_REMINDERS: '24h, day-before@09:30', HCRM_BOOKING_WINDOW_DAYS: '7', HCRM_NO_SHOW_LIMIT: '0' });
    expect(config.appointments).toMatchObject({ bookingWindowDays: 7, noShowLimit: 0, reminders: [{ kind: 'hours', hours: 24 }, { kind: 'day-before', time: '09:30' }] });
  });

  it('reads other reminder offsets for some appointment types', () => {
    const config = loadConfig({ HCRM_APPOINTMENT_TYPE_REMINDERS: 'followup=day-before@09:00, 48h; outpatient=2h' });
    expect(config.appointments.remindersByType).toEqual({
      followup: [{ kind: 'day-before', time: '09:00' }, { kind: 'hours', hours: 48 }],
      outpatient: [{ kind: 'hours', hours: 2 }],
    });
    expect(() => loadConfig({ HCRM_APPOINTMENT_TYPE_REMINDERS: 'followup:2h' })).toThrow(/HCRM_APPOINTMENT_TYPE_REMINDERS: must be type=offsets pairs/);
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ HCRM_APPOINTMENT_REMINDERS: 'tomorrow' })).toThrow(ConfigError);
    expect(() => loadConfig({ HCRM_APPOINTMENT_REMINDERS: 'tomorrow' })).toThrow(/HCRM_APPOINTMENT_REMINDERS: must be offsets like day-before@18:00,2h/);
    expect(() => loadConfig({ HCRM_MAX_OPEN_BOOKINGS: '0' })).toThrow(/HCRM_MAX_OPEN_BOOKINGS/);
  });
});
