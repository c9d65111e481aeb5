import { describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/lib/transaction.js';
import { dispatchDueMessages, enqueueMessage } from '../../src/modules/messaging/messaging.service.js';
import { inQuietHours } from '../../src/modules/messaging/rules.js';
import { countSegments } from '../../src/modules/messaging/segments.js';
import { TemplateError, TemplateRegistry } from '../../src/modules/messaging/templates.js';
import { createPatient } from '../../src/modules/patients/patients.service.js';
import { useTestHospital } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';
import { reminderVariables, testSettings, testTemplates } from '../helpers/messaging.js';

// 22:00 in Shanghai: inside the default quiet hours (21:00–08:00).
const h = await useTestHospital({
  now: '2026-11-23T14:00:00Z',
  extraTemplates: [testTemplates],
  messaging: { settings: testSettings({ quietHours: { start: 21 * 60, end: 8 * 60 }, smsSegmentsPerSecond: 1 }) },
});
let serial = 0;

function enqueue(patientId: string, extra: { urgent?: boolean; text?: string } = {}) {
  return inTransaction(h.deps, (tx) =>
    enqueueMessage(tx, h.system(), {
      purpose: 'appointment-reminder',
      category: 'care',
      patientId,
      template: extra.text ? 'test.free' : 'test.reminder',
      variables: extra.text ? { text: extra.text } : reminderVariables,
      scheduledAt: h.clock.now(),
      dedupeKey: `rules:${++serial}`,
      urgent: extra.urgent ?? false,
    }),
  );
}
const status = (id: string) => (h.db.$client.prepare('SELECT status FROM messages WHERE id = ?').get(id) as { status: string }).status;

describe('quiet hours in the hospital\'s time zone', () => {
  it('holds a reminder queued at 22:00 until 08:00, but lets an urgent message through', async () => {
    const patient = await createPatient(h.system(), aPatient({ identifiers: [] }));
    const reminder = enqueue(patient.id);
    const urgent = enqueue(patient.id, { urgent: true });
    await dispatchDueMessages(h.deps);
    expect([status(reminder.id), status(urgent.id)]).toEqual(['queued', 'held']);

    h.clock.set('2026-11-23T23:59:00Z'); // 07:59 local
    await dispatchDueMessages(h.deps);
    expect(status(reminder.id)).toBe('queued');

    h.clock.set('2026-11-24T00:00:00Z'); // 08:00 local
    await dispatchDueMessages(h.deps);
    expect(status(reminder.id)).toBe('held');
  });

  it('reads the hours as wrapping past midnight, and equal ends as none', () => {
    const quiet = { start: 21 * 60, end: 8 * 60 };
    expect(inQuietHours(new Date('2026-11-23T12:59:00Z'), 'Asia/Shanghai', quiet)).toBe(false); // 20:59
    expect(inQuietHours(new Date('2026-11-23T13:00:00Z'), 'Asia/Shanghai', quiet)).toBe(true); // 21:00
    expect(inQuietHours(new Date('2026-11-23T19:00:00Z'), 'Asia/Shanghai', quiet)).toBe(true); // 03:00
    expect(inQuietHours(new Date('2026-11-23T13:00:00Z'), 'Asia/Shanghai', { start: 0, end: 0 })).toBe(false);
  });
});

describe('the send rate of a long code (1 segment per second)', () => {
  it('spreads a burst of reminders one a second instead of sending them at once', async () => {
    h.clock.set('2026-11-24T02:00:00Z'); // 10:00 local
    const patient = await createPatient(h.system(), aPatient({ identifiers: [] }));
    const ids = Array.from({ length: 5 }, () => enqueue(patient.id).id);
    const first = await dispatchDueMessages(h.deps);
    expect(first.held).toBe(1);

    // The run may wait for the bucket to refill; this sleep moves the test clock instead of waiting.
    const waits: number[] = [];
    const report = await dispatchDueMessages(h.deps, {
      maxDurationMs: 60_000,
      sleep: async (ms) => {
        waits.push(ms);
        h.clock.advance(ms);
      },
    });
    expect(report.held).toBe(4);
    expect(waits).toEqual([1000, 1000, 1000, 1000]);
    expect(ids.map(status)).toEqual(['held', 'held', 'held', 'held', 'held']);
  });

  it('charges a three-segment SMS three seconds of the sender\'s time', async () => {
    const patient = await createPatient(h.system(), aPatient({ identifiers: [] }));
    h.clock.advance(10_000);
    const long = enqueue(patient.id, { text: '请'.repeat(150) });
    const short = enqueue(patient.id);
    const waits: number[] = [];
    await dispatchDueMessages(h.deps, { maxDurationMs: 60_000, sleep: async (ms) => void (waits.push(ms), h.clock.advance(ms)) });
    expect([status(long.id), status(short.id)]).toEqual(['held', 'held']);
    expect(waits).toEqual([3000]);
  });
});

describe('SMS segments', () => {
  it.each([
    ['a' .repeat(160), 'GSM-7', 1],
    ['a'.repeat(161), 'GSM-7', 2],
    ['a'.repeat(306), 'GSM-7', 2],
    ['a'.repeat(307), 'GSM-7', 3],
    ['€'.repeat(80), 'GSM-7', 1],
    ['请'.repeat(70), 'UCS-2', 1],
    ['请'.repeat(71), 'UCS-2', 2],
    ['请'.repeat(134), 'UCS-2', 2],
    ['请'.repeat(135), 'UCS-2', 3],
  ])('counts %#: %s… as %s in %i segment(s)', (text, encoding, segments) => {
    expect(countSegments(text)).toMatchObject({ encoding, segments });
  });
});

describe('templates checked at start', () => {
  const base = { name: 'care.birthday', variables: ['name'] } as const;
  it.each([
    [[{ ...base, locale: 'zh-CN', body: '{name}，生日快乐！{gift}' }, { ...base, locale: 'en', body: 'Happy birthday, {name}!' }], /care.birthday \(zh-CN\) uses undeclared variable\(s\) \{gift\}/],
    [[{ ...base, locale: 'zh-CN', body: '生日快乐！' }, { ...base, locale: 'en', body: 'Happy birthday, {name}!' }], /care.birthday \(zh-CN\) declares variable\(s\) its text never uses: name/],
    [[{ ...base, locale: 'zh-CN', body: '{name}，生日快乐！' }], /care.birthday has no en version/],
    [[{ ...base, locale: 'zh-CN', channel: 'sms', body: `{name}${'长'.repeat(400)}` }, { ...base, locale: 'en', body: '{name}' }], /care.birthday \(zh-CN\) is 6 SMS segments before any variable/],
  ] as const)('refuses a broken set (%#) and names the template', (set, message) => {
    expect(() => new TemplateRegistry([set], 5)).toThrowError(TemplateError);
    expect(() => new TemplateRegistry([set], 5)).toThrowError(message);
  });

  it('stops createDeps, and so the start, with the template\'s name', async () => {
    const { createDeps } = await import('../../src/app.js');
    const broken = [
      { name: 'care.festival', locale: 'zh-CN', body: '{name}{festival}快乐', variables: ['name'] },
      { name: 'care.festival', locale: 'en', body: 'Happy {festival}', variables: ['festival'] },
    ] as const;
    expect(() => createDeps({ db: h.db, clock: h.clock, secretKey: 'x'.repeat(32), timeZone: 'Asia/Shanghai', extraTemplates: [broken] })).toThrowError(/care.festival/);
  });
});

describe('dates in messages', () => {
  it('writes an instant in the hospital\'s time zone, in the patient\'s language', async () => {
    const { messageDateTime } = await import('../../src/modules/messaging/format.js');
    expect(messageDateTime(new Date('2026-11-24T01:30:00Z'), 'Asia/Shanghai', 'zh-CN')).toBe('11月24日 09:30');
    expect(messageDateTime(new Date('2026-11-24T01:30:00Z'), 'Asia/Shanghai', 'en')).toBe('24 Nov 09:30');
  });
});
