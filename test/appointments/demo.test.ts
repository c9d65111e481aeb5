import { describe, expect, it } from 'vitest';
import { seedDemoHospital } from '../../src/demo/seed.js';
import { useTestHospital } from '../helpers/app.js';

/* The demo hospital opens with doctors, weekly clinics and some bookings, so the booking page works at first start. */
const h = await useTestHospital({ now: '2026-11-23T02:00:00.000Z' });

describe('the demo seed', () => {
  it('gives every doctor a profile and two clinics a week, and books some patients', async () => {
    await seedDemoHospital(h.system(), { patients: 200 });
    const count = (sql: string) => (h.db.$client.prepare(sql).get() as { n: number }).n;
    const doctors = count('SELECT count(*) AS n FROM doctor_profiles');
    expect(doctors).toBeGreaterThanOrEqual(40);
    expect(count('SELECT count(*) AS n FROM schedule_templates')).toBe(doctors * 2);
    expect(count('SELECT count(*) AS n FROM clinic_sessions')).toBeGreaterThanOrEqual(doctors * 4);
    expect(count("SELECT count(*) AS n FROM appointments WHERE status = 'booked'")).toBeGreaterThan(20);
    const page = await h.app.inject({ method: 'GET', url: '/book' });
    expect(page.body.match(/\/book\?department=/g)?.length).toBeGreaterThanOrEqual(12);
    // Staff notices on the demo are held in the sandbox, not failed for want of an address, and never leave .example.
    expect(count("SELECT count(*) AS n FROM staff WHERE email IS NULL OR email NOT LIKE '%@hospital.example'")).toBe(0);
  }, 180_000); // a password hash per demo doctor
});
