import { describe, expect, it } from 'vitest';
import { medianOfCounts } from '../../src/modules/stats/formulas.js';
import { getOk, useTestHospital } from '../helpers/app.js';
import { serviceHospital } from './service-fixture.js';

/* The service figures of issue 9 against the hand-computed hospital in service-fixture.ts. */
const h = await useTestHospital({ now: '2026-11-01T01:00:00.000Z' });
const f = await serviceHospital(h);
const admin = await h.signIn('admin');
const PERIOD = 'from=2026-11-01&to=2026-11-21';
const EMPTY = 'from=2026-09-01&to=2026-09-30';

const get = (url: string, headers: Record<string, string> = admin.headers) => getOk(h, url, headers);
const rateOf = (r: { numerator: number; denominator: number; denominatorName: string; value: number | null }) => [r.numerator, r.denominator, r.denominatorName, r.value];

describe('appointments', () => {
  it('booked, moved, cancelled of booked, no-shows of those due and not cancelled, lead-time median, by department', async () => {
    const v = await get(`/api/stats/appointments/volume?${PERIOD}`);
    expect(v.rows.map((r: { key: string }) => r.key)).toEqual([f.card, f.orth]);
    const [card, orth] = v.rows;
    expect(card).toMatchObject({ label: '心内科', booked: 5, moved: 1, leadDays: { median: 2, n: 5 } });
    expect(rateOf(card.cancelled)).toEqual([1, 5, 'eligible', 0.2]);
    expect(rateOf(card.noShow)).toEqual([2, 4, 'eligible', 0.5]);
    // A single booking: a rate of 0 with an interval, not "no data".
    expect(orth).toMatchObject({ booked: 1, moved: 0, leadDays: { median: 9, n: 1 } });
    expect(rateOf(orth.noShow)).toEqual([0, 1, 'eligible', 0]);
    expect(orth.noShow.ci.high).toBeGreaterThan(0.5);
    expect(v.total).toMatchObject({ booked: 6, moved: 1, leadDays: { median: 5.5, n: 6 } });
  });

  it('by channel and by doctor; ties in lead time give the mean of the middle two', async () => {
    const byChannel = await get(`/api/stats/appointments/volume?${PERIOD}&by=channel&lang=en`);
    expect(byChannel.rows.map((r: { key: string; label: string; booked: number; leadDays: { median: number } }) => [r.key, r.label, r.booked, r.leadDays.median])).toEqual([
      ['phone', 'Phone', 4, 5.5],
      ['desk', 'Desk', 2, 5.5],
    ]);
    expect(rateOf(byChannel.rows[0].noShow)).toEqual([2, 4, 'eligible', 0.5]);
    expect(rateOf(byChannel.rows[1].cancelled)).toEqual([1, 2, 'eligible', 0.5]);
    expect(rateOf(byChannel.rows[1].noShow)).toEqual([0, 1, 'eligible', 0]);
    const byDoctor = await get(`/api/stats/appointments/volume?${PERIOD}&by=doctor&departmentId=${f.card}`);
    expect(byDoctor.rows.map((r: { label: string; booked: number }) => [r.label, r.booked])).toEqual([['李明', 5]]);
    expect(medianOfCounts([[2, 3], [9, 2]])).toBe(2);
    expect(medianOfCounts([])).toBeNull();
  });

  it('an empty period and a department with no data have no rates, not 0 %', async () => {
    const empty = await get(`/api/stats/appointments/volume?${EMPTY}`);
    expect(empty.rows).toEqual([]);
    expect(empty.total).toMatchObject({ booked: 0, cancelled: { value: null, denominator: 0 }, noShow: { value: null }, leadDays: { median: null, n: 0 } });
    expect((await get(`/api/stats/appointments/volume?${PERIOD}&departmentId=${f.eye}`)).rows).toEqual([]);
  });

  it('the trend per week (from Monday), empty weeks included', async () => {
    const t = await get(`/api/stats/appointments/trend?${PERIOD}&grain=week`);
    expect(t.buckets.map((b: { bucket: string; booked: number; noShow: { numerator: number } }) => [b.bucket, b.booked, b.noShow.numerator])).toEqual([
      ['2026-10-26', 0, 0],
      ['2026-11-02', 3, 1],
      ['2026-11-09', 3, 1],
      ['2026-11-16', 0, 0],
    ]);
  });

  it('the list behind a bar: the no-shows of the phone channel, patients by file id only, audited', async () => {
    const list = await get(`/api/stats/appointments/list?${PERIOD}&channel=phone&status=no_show`);
    expect(list.items.map((i: { appointmentId: string }) => i.appointmentId)).toEqual([f.appointments.a5moved.id, f.appointments.a2.id]);
    expect(Object.keys(list.items[0]).sort()).toEqual(['appointmentId', 'bookedAt', 'channel', 'date', 'department', 'doctor', 'leadDays', 'moved', 'patientId', 'startAt', 'status']);
    await h.deps.readAudit!.settled();
    const audit = h.db.$client.prepare("SELECT detail FROM audit_log WHERE action = 'stats.patients.list' ORDER BY seq DESC LIMIT 1").get() as { detail: string };
    expect(JSON.parse(audit.detail)).toMatchObject({ metric: 'appointments.list', patients: [f.appointments.a5moved.patientId, f.appointments.a2.patientId] });
  });

  it('the cancelled behind the cancelled rate: a booking moved to another time is not among them', async () => {
    const list = await get(`/api/stats/appointments/list?${PERIOD}&status=cancelled`);
    expect(list.items.map((i: { appointmentId: string }) => i.appointmentId)).toEqual([f.appointments.a3.id]);
  });
});

describe('follow-up', () => {
  it('coverage: discharges that put the patient on a plan, of discharges in the period', async () => {
    const c = await get(`/api/stats/followup/coverage?${PERIOD}`);
    expect(rateOf(c.overall)).toEqual([1, 3, 'eligible', 1 / 3]);
    expect(c.rows.map((r: { label: string; rate: { numerator: number; denominator: number } }) => [r.label, r.rate.numerator, r.rate.denominator])).toEqual([
      ['骨科', 0, 1],
      ['心内科', 1, 2],
    ]);
    // The October CARD discharge reached HCRM 12 days late, its one step already stale: follow-up did not enrol it.
    expect(rateOf((await get(`/api/stats/followup/coverage?from=2026-10-01&to=2026-10-31`)).overall)).toEqual([0, 1, 'eligible', 0]);
  });

  it('completion and on-time: done (and done by the end of the due day) of tasks due, later tasks left out', async () => {
    const done = await get(`/api/stats/followup/completion?${PERIOD}`);
    expect(rateOf(done.overall)).toEqual([3, 4, 'eligible', 0.75]);
    expect(done.rows.map((r: { key: string; rate: { numerator: number; denominator: number } }) => [r.key, r.rate.numerator, r.rate.denominator])).toEqual([
      [f.card, 2, 3],
      [f.orth, 1, 1],
    ]);
    const onTime = await get(`/api/stats/followup/on-time?${PERIOD}`);
    expect(rateOf(onTime.overall)).toEqual([2, 4, 'eligible', 0.5]);
    expect(onTime.rows[0]).toMatchObject({ key: f.card, rate: { numerator: 1, denominator: 3 } });
  });

  it('reach: calls that reached the patient, of attempts (attempted)', async () => {
    const r = await get(`/api/stats/followup/reach?${PERIOD}`);
    expect(rateOf(r.overall)).toEqual([3, 4, 'attempted', 0.75]);
    const cardOnly = await get(`/api/stats/followup/reach?${PERIOD}&departmentId=${f.card}`);
    expect(rateOf(cardOnly.overall)).toEqual([2, 3, 'attempted', 2 / 3]);
  });

  it('an empty period has no denominator for any follow-up figure', async () => {
    for (const id of ['coverage', 'completion', 'on-time', 'reach']) {
      const e = await get(`/api/stats/followup/${id}?${EMPTY}`);
      expect(e.rows).toEqual([]);
      expect(e.overall).toMatchObject({ value: null, numerator: 0, denominator: 0, ci: null });
    }
  });
});

describe('call centre', () => {
  it('consultations by category; conversion of those decided, pending ones apart', async () => {
    const c = await get(`/api/stats/consultations/by-category?${PERIOD}`);
    expect(c).toMatchObject({ conversionDays: 14, total: 3 });
    expect(rateOf(c.conversion)).toEqual([1, 2, 'eligible', 0.5]);
    expect(c.rows.map((r: { category: string; consultations: number; pending: number; conversion: { numerator: number; denominator: number } }) => [r.category, r.consultations, r.pending, r.conversion.numerator, r.conversion.denominator])).toEqual([
      ['prices', 2, 0, 1, 1 + 1],
      ['beds', 1, 1, 0, 0],
    ]);
  });

  it('feedback by kind, category and department: median hours to resolve, deadlines met of those due, escalations', async () => {
    const s = await get(`/api/stats/feedback/summary?${PERIOD}`);
    expect(s.total).toMatchObject({ received: 5, resolved: 2, medianHoursToResolve: 14, escalated: 1 });
    expect(rateOf(s.total.deadlineMet)).toEqual([1, 4, 'eligible', 0.25]);
    const row = (rows: { key: string; received: number; resolved: number; medianHoursToResolve: number | null; escalated: number; deadlineMet: { numerator: number; denominator: number } }[]) =>
      rows.map((r) => [r.key, r.received, r.resolved, r.medianHoursToResolve, r.deadlineMet.numerator, r.deadlineMet.denominator, r.escalated]);
    expect(row(s.byKind)).toEqual([
      ['complaint', 3, 2, 14, 1, 3, 1],
      ['praise', 1, 0, null, 0, 0, 0],
      ['suggestion', 1, 0, null, 0, 1, 0],
    ]);
    expect(row(s.byDepartment)).toEqual([
      [f.card, 3, 2, 14, 1, 2, 1],
      [f.orth, 2, 0, null, 0, 2, 0],
    ]);
    // One complaint resolved in 4 hours by its deadline, the other escalated and resolved after 24: met and escalated
    // fall in different categories, so the two counts cannot be taken for each other.
    expect(row(s.byCategory)).toEqual([
      ['service_attitude', 2, 1, 4, 1, 1, 0],
      ['environment', 1, 0, null, 0, 1, 0],
      ['medical_quality', 1, 0, null, 0, 1, 0],
      ['waiting_time', 1, 1, 24, 0, 1, 1],
    ]);
    const eye = await get(`/api/stats/feedback/summary?${PERIOD}&departmentId=${f.eye}`);
    expect(eye).toMatchObject({ total: { received: 0, medianHoursToResolve: null, deadlineMet: { value: null } }, byKind: [], byDepartment: [] });
  });
});

describe('the at-risk list', () => {
  it('issue 8’s rule: an open complaint, two complaints in 180 days, a latest score at or under the threshold', async () => {
    const list = await get(`/api/stats/patients/at-risk?${PERIOD}`);
    expect(list.items.map((i: { patientId: string; reasons: string[] }) => [i.patientId, i.reasons])).toEqual([
      [f.patients.waiting, ['open_complaint']],
      [f.patients.complainant, ['repeat_complaints', 'low_satisfaction']],
      [f.patients.unhappy, ['low_satisfaction']],
    ]);
    expect(list.items[0]).toMatchObject({ name: '孙丽', openComplaints: 1, department: '骨科', satisfaction: null });
    expect(list.items[1]).toMatchObject({ name: '刘洋', complaints180Days: 2, satisfaction: 2, department: '心内科' });
    expect(list.asOf).toBe('2026-11-21T16:00:00.000Z');
  });

  it('as of an earlier period: nothing was open or answered yet', async () => {
    expect((await get(`/api/stats/patients/at-risk?${EMPTY}`)).items).toEqual([]);
  });

  it('cut to the limit, the patients shown still carry every reason they have', async () => {
    const one = await get(`/api/stats/patients/at-risk?${PERIOD}&limit=2`);
    expect(one.items.map((i: { reasons: string[] }) => i.reasons)).toEqual([['open_complaint'], ['repeat_complaints', 'low_satisfaction']]);
  });

  it('runs each rule once when no rule is cut: the rows that fill the list also explain it', async () => {
    const client = h.db.$client;
    const statements: string[] = [];
    const prepare = client.prepare.bind(client);
    client.prepare = ((source: string) => (statements.push(source), prepare(source))) as typeof client.prepare;
    try {
      await get(`/api/stats/patients/at-risk?${PERIOD}&limit=10`);
    } finally {
      client.prepare = prepare;
    }
    const runs = (marker: string) => statements.filter((text) => text.includes(marker)).length;
    expect([runs("resolved_at IS NULL"), runs('HAVING count(*) >= 2'), runs('PARTITION BY r.patient_id')]).toEqual([1, 1, 1]);
  });

  it("speaks the patient file's words: the reasons are those of the patient's own risk banner", async () => {
    const banner = await get(`/api/feedback/patients/${f.patients.complainant}/risk`);
    const listed = (await get(`/api/stats/patients/at-risk?${PERIOD}`)).items.find((i: { patientId: string }) => i.patientId === f.patients.complainant);
    expect(banner.reasons).toContain('repeat_complaints');
    for (const reason of banner.reasons) expect(listed.reasons).toContain(reason);
  });
});

describe('managers see their own department only', () => {
  it('a manager of another department sees nothing of this one', async () => {
    const eye = (await h.signIn('manager', { departmentId: f.eye })).headers;
    expect((await get(`/api/stats/appointments/volume?${PERIOD}`, eye)).rows).toEqual([]);
    expect((await get(`/api/stats/appointments/list?${PERIOD}`, eye)).items).toEqual([]);
    for (const id of ['coverage', 'completion', 'on-time', 'reach']) expect((await get(`/api/stats/followup/${id}?${PERIOD}`, eye)).rows).toEqual([]);
    expect((await get(`/api/stats/feedback/summary?${PERIOD}`, eye)).total.received).toBe(0);
    expect((await get(`/api/stats/patients/at-risk?${PERIOD}`, eye)).items).toEqual([]);
    const asked = await h.app.inject({ method: 'GET', url: `/api/stats/appointments/volume?${PERIOD}&departmentId=${f.card}`, headers: eye });
    expect(asked.statusCode).toBe(403);
    expect(asked.json().code).toBe('stats.other_department');
  });

  it('a department’s manager gets that department’s figures, and the hospital-wide consultations are refused', async () => {
    const card = (await h.signIn('manager', { departmentId: f.card })).headers;
    expect((await get(`/api/stats/appointments/volume?${PERIOD}`, card)).rows.map((r: { key: string }) => r.key)).toEqual([f.card]);
    expect((await get(`/api/stats/patients/at-risk?${PERIOD}`, card)).items.map((i: { patientId: string }) => i.patientId)).toEqual([f.patients.complainant, f.patients.unhappy]);
    expect((await h.app.inject({ method: 'GET', url: `/api/stats/consultations/by-category?${PERIOD}`, headers: card })).statusCode).toBe(403);
    const page = await h.app.inject({ method: 'GET', url: `/app/stats?${PERIOD}`, headers: card });
    expect(page.body).toContain('id="t-appointments"');
    expect(page.body).not.toContain('id="t-consultations"');
    expect(page.body).not.toContain('骨科');
  });
});

describe('dashboard and CSV', () => {
  it('shows every new table with a drill-down link from each row to the list behind it', async () => {
    const page = await h.app.inject({ method: 'GET', url: `/app/stats?${PERIOD}`, headers: admin.headers });
    for (const name of ['appointments', 'appointment-doctors', 'appointment-channels', 'appointment-trend', 'followup-coverage', 'followup-completion', 'followup-on-time', 'followup-reach', 'consultations', 'feedback', 'at-risk']) {
      expect(page.body, name).toContain(`id="t-${name}"`);
    }
    // Tables past the first screen arrive when they scroll into view: their rows (and links) come from the fragment.
    const channels = await h.app.inject({ method: 'GET', url: `/app/stats/fragment/appointment-channels?${PERIOD}`, headers: admin.headers });
    expect(channels.body).toContain(`/app/stats/table/appointment-list?from=2026-11-01&amp;to=2026-11-21&amp;channel=phone`);
    const drilled = await h.app.inject({ method: 'GET', url: `/app/stats/table/appointment-list?${PERIOD}&channel=desk`, headers: admin.headers });
    expect(drilled.statusCode).toBe(200);
    expect(drilled.body).toContain('已取消');
    expect(drilled.body).not.toContain('电话');
  });

  it('exports a new table as CSV in Chinese: UTF-8 with a BOM, the figures the API gives', async () => {
    const reply = await h.app.inject({ method: 'GET', url: `/app/stats/export/appointment-channels.csv?${PERIOD}&lang=zh-CN`, headers: admin.headers });
    expect(reply.statusCode).toBe(200);
    expect(reply.headers['content-disposition']).toBe('attachment; filename="stats-appointment-channels-2026-11-01-2026-11-21.csv"');
    expect([...reply.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = reply.rawPayload.subarray(3).toString('utf8').split('\r\n');
    expect(lines[0]).toBe('渠道,预约数,改约,取消率,分子,分母,分母含义,爽约,爽约率,分子,分母,分母含义,提前预约天数（中位数）');
    expect(lines[1]).toBe('电话,4,1,0,0,4,符合条件者,2,0.5,2,4,符合条件者,5.5');
    expect(lines[3]).toBe('合计,6,1,0.1667,1,6,符合条件者,2,0.4,2,5,符合条件者,5.5');
    const fb = (await h.app.inject({ method: 'GET', url: `/app/stats/export/feedback.csv?${PERIOD}`, headers: admin.headers })).rawPayload.subarray(3).toString('utf8');
    expect(fb.split('\r\n')[1]).toBe('合计,,5,2,14,0.25,1,4,符合条件者,1');
    expect(fb).toContain('类型,投诉,3,2,14,');
  });
});

describe('bad input', () => {
  it('a reversed period is stats.bad_range, naming the field', async () => {
    const reply = await h.app.inject({ method: 'GET', url: '/api/stats/appointments/volume?from=2026-11-10&to=2026-11-01', headers: admin.headers });
    expect(reply.statusCode).toBe(400);
    expect(reply.headers['content-type']).toMatch(/problem\+json/);
    expect(reply.json()).toMatchObject({ code: 'stats.bad_range', errors: [{ field: 'from', code: 'after_to' }] });
    const tooLong = (await h.app.inject({ method: 'GET', url: '/api/stats/followup/reach?from=2020-01-01&to=2026-01-01', headers: admin.headers })).json();
    expect(tooLong).toMatchObject({ code: 'stats.bad_range', errors: [{ field: 'from', code: 'too_long' }] });
  });

  it('an unknown table is stats.unknown_table, as a page and as a CSV export (pages show errors as pages, with the code)', async () => {
    for (const url of ['/app/stats/export/nothing.csv', '/app/stats/table/nothing']) {
      const reply = await h.app.inject({ method: 'GET', url, headers: admin.headers });
      expect(reply.statusCode, url).toBe(404);
      expect(reply.body, url).toContain('data-code="stats.unknown_table"');
    }
  });

  it('an unknown grouping, channel or status is refused before anything is read', async () => {
    for (const q of ['by=patient', 'channel=fax', 'status=lost', 'limit=501']) {
      const path = q.startsWith('by') ? 'volume' : 'list';
      expect((await h.app.inject({ method: 'GET', url: `/api/stats/appointments/${path}?${q}`, headers: admin.headers })).statusCode, q).toBe(400);
    }
  });
});
