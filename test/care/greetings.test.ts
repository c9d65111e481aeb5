import { describe, expect, it } from 'vitest';
import { festivalsOn } from '../../src/modules/care/festivals.js';
import { createPatient, setPatientActive } from '../../src/modules/patients/patients.service.js';
import { useTestHospital } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';

/*
 * Greetings go out at HCRM_GREETING_TIME (09:00 here) in the hospital's time zone. The tests move the scheduler's
 * "now" forward through the days that matter (in order: a job never runs a slot older than one it served) and run the jobs as node-cron would, catching up where the service was down.
 */
const h = await useTestHospital({ now: '2026-01-01T00:00:00.000Z', care: { solarFestivals: [{ name: '国庆节', monthDay: '10-01' }] } });
h.scheduler.register(new Date('2026-01-01T00:00:00.000Z'));

const grandma = await createPatient(h.system(), aPatient({ name: '陈桂英', gender: 'female', birthDate: '1950-11-24', identifiers: [] }));
const young = await createPatient(h.system(), aPatient({ name: 'Emily Zhang', gender: 'female', birthDate: '1990-11-24', preferredLanguage: 'en', identifiers: [] }));
const leapling = await createPatient(h.system(), aPatient({ name: '林闰', birthDate: '1964-02-29', identifiers: [] }));
const other = await createPatient(h.system(), aPatient({ name: '黄伟', birthDate: '1985-06-30', identifiers: [] }));
const departed = await createPatient(h.system(), aPatient({ name: '吴志明', birthDate: '1940-11-24', identifiers: [] }));
await setPatientActive(h.system(), departed.id, { version: 1, active: false, reason: '患者已故' });
const everyoneActive = [grandma.id, young.id, leapling.id, other.id].sort();

const messagesOf = (purpose: string) => h.outbox.messages.filter((m) => m.purpose === purpose);

describe('birthday greetings', () => {
  it('go out at 09:00 local to active patients born on this day, once a year', async () => {
    const runs = await h.scheduler.runDue(new Date('2026-11-24T01:00:00.000Z'));
    expect(runs.find((r) => r.job === 'care.birthday-greetings')).toMatchObject({ status: 'succeeded', counts: { patients: 2, queued: 2 } });
    expect(messagesOf('birthday-greeting').map((m) => [m.patientId, m.dedupeKey, m.scheduledAt.toISOString()])).toEqual(
      [grandma.id, young.id].sort().map((id) => [id, `birthday:${id}:2026`, '2026-11-24T01:00:00.000Z']),
    );
    // Relationship messages, not treatment: queued as marketing, so marketing consent and the cap apply.
    expect(messagesOf('birthday-greeting')[0]).toMatchObject({ category: 'marketing', template: 'care.birthday', variables: { patientName: expect.any(String) } });

    // An admin starting the job again the same day queues nothing new.
    const again = await h.scheduler.runNow('care.birthday-greetings', { ...h.system(), now: new Date('2026-11-24T03:00:00.000Z') });
    expect(again.counts).toEqual({ patients: 2, queued: 0, existing: 2 });
  });
});

describe('festival dates from the lunar calendar', () => {
  it.each([
    ['2027-02-06', 'spring-festival'],
    ['2027-02-20', 'lantern'],
    ['2027-06-09', 'dragon-boat'],
    ['2027-09-15', 'mid-autumn'],
    ['2027-10-08', 'double-ninth'],
    ['2026-02-17', 'spring-festival'],
    ['2026-09-25', 'mid-autumn'],
  ])('%s is %s', (date, name) => {
    expect(festivalsOn(date, []).map((f) => f.name)).toEqual([name]);
  });

  it('knows no festival on an ordinary day, and adds the configured solar dates', () => {
    expect(festivalsOn('2027-02-05', [])).toEqual([]);
    expect(festivalsOn('2027-10-01', [{ name: '国庆节', monthDay: '10-01' }])).toEqual([{ name: '国庆节', date: '2027-10-01', minAge: undefined }]);
  });
});

describe('festival greetings', () => {
  it('greet every active patient on Spring Festival 2027 (6 February), in their language', async () => {
    h.outbox.clear();
    await h.scheduler.runDue(new Date('2027-02-05T01:00:00.000Z'));
    expect(messagesOf('festival-greeting')).toEqual([]);

    const runs = await h.scheduler.runDue(new Date('2027-02-06T01:00:00.000Z'));
    expect(runs.find((r) => r.job === 'care.festival-greetings')).toMatchObject({ counts: { festivals: 1, patients: 4, queued: 4 } });
    const greetings = messagesOf('festival-greeting');
    expect(greetings.map((m) => m.patientId).sort()).toEqual(everyoneActive);
    expect(greetings.every((m) => m.dedupeKey === `festival:spring-festival:2027:${m.patientId}` && m.category === 'marketing' && m.template === 'care.festival')).toBe(true);
    expect(greetings.find((m) => m.patientId === grandma.id)?.variables).toEqual({ patientName: '陈桂英', festival: '春节' });
    expect(greetings.find((m) => m.patientId === young.id)?.variables).toEqual({ patientName: 'Emily Zhang', festival: 'Spring Festival' });
  });

  it('greet on Mid-Autumn 2027 (15 September)', async () => {
    h.outbox.clear();
    await h.scheduler.runDue(new Date('2027-09-15T01:00:00.000Z'));
    expect(messagesOf('festival-greeting').map((m) => m.dedupeKey.split(':').slice(0, 3).join(':'))).toEqual(Array(4).fill('festival:mid-autumn:2027'));
  });

  it('greet on a configured solar festival', async () => {
    h.outbox.clear();
    await h.scheduler.runDue(new Date('2027-10-01T01:00:00.000Z'));
    expect(messagesOf('festival-greeting')).toHaveLength(4);
    expect(messagesOf('festival-greeting')[0]?.dedupeKey).toMatch(/^festival:国庆节:2027:/);
  });

  it('greet only patients aged 60 and over on Double Ninth 2027 (8 October)', async () => {
    h.outbox.clear();
    await h.scheduler.runDue(new Date('2027-10-08T01:00:00.000Z'));
    expect(messagesOf('festival-greeting').map((m) => m.patientId).sort()).toEqual([grandma.id, leapling.id].sort());
  });
});

describe('birthday greetings after downtime', () => {
  it('go out at 09:40 when the service was down at 09:00: not never, not twice', async () => {
    h.outbox.clear();
    // The service last ran in October 2027 and comes back on 2029-02-28 at 09:40. 29 February birthdays are
    // greeted on the 28th in a common year.
    const caughtUp = await h.scheduler.catchUp(new Date('2029-02-28T01:40:00.000Z'));
    expect(caughtUp.find((r) => r.job === 'care.birthday-greetings')).toMatchObject({ trigger: 'catch-up', slot: '2029-02-28T01:00:00.000Z', counts: { queued: 1 } });
    expect(messagesOf('birthday-greeting')).toEqual([expect.objectContaining({ patientId: leapling.id, dedupeKey: `birthday:${leapling.id}:2029`, scheduledAt: new Date('2029-02-28T01:40:00.000Z') })]);

    // Other modules' jobs run on their own schedules; care's are what this story is about.
    const care = (runs: { job: string }[]) => runs.filter((r) => r.job.startsWith('care.'));
    expect(care(await h.scheduler.catchUp(new Date('2029-02-28T01:41:00.000Z')))).toEqual([]);
    expect(care(await h.scheduler.runDue(new Date('2029-02-28T02:00:00.000Z')))).toEqual([expect.objectContaining({ job: 'care.reminders' })]);
    expect(messagesOf('birthday-greeting')).toHaveLength(1);
  });
});
