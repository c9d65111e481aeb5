import { describe, expect, it } from 'vitest';
import { useTestHospital } from '../helpers/app.js';
import { satisfactionHospital } from './fixture.js';

/* Who sees which figures, bad input, the audit of lists that name patients, and the CSV export in Chinese. */
const h = await useTestHospital();
const f = await satisfactionHospital(h);
const admin = await h.signIn('admin');
const cardManager = await h.signIn('manager', { departmentId: f.card });
const PERIOD = 'from=2026-11-01&to=2026-11-21';

const get = (url: string, headers: Record<string, string> = admin.headers) => h.app.inject({ method: 'GET', url, headers });

describe('permissions', () => {
  it('a manager sees their own department only, checked in the service', async () => {
    const own = await get(`/api/stats/satisfaction/summary?${PERIOD}`, cardManager.headers);
    expect(own.statusCode).toBe(200);
    expect(own.json().current.responses).toBe(3);
    const other = await get(`/api/stats/satisfaction/summary?${PERIOD}&departmentId=${f.orth}`, cardManager.headers);
    expect(other.statusCode).toBe(403);
    expect(other.json().detail).toMatch(/own department/);
    const rows = (await get(`/api/stats/satisfaction/breakdown?${PERIOD}&by=department`, cardManager.headers)).json().rows;
    expect(rows.map((r: { key: string }) => r.key)).toEqual([f.card]);
  });

  it('doctors and signed-out callers get nothing; hospital-wide figures are for administrators', async () => {
    const doctor = await h.signIn('doctor', { departmentId: f.card });
    expect((await get(`/api/stats/satisfaction/summary`, doctor.headers)).statusCode).toBe(403);
    expect((await get(`/api/stats/satisfaction/summary`, {})).statusCode).toBe(401);
    expect((await get(`/api/stats/messages/delivery`, cardManager.headers)).statusCode).toBe(403);
    expect((await get(`/api/stats/messages/delivery`)).statusCode).toBe(200);
    const list = (await get('/api/stats', cardManager.headers)).json().items.map((m: { id: string }) => m.id);
    expect(list).toContain('satisfaction.summary');
    expect(list).not.toContain('messages.delivery');
  });

  it('a manager without a department sees no figures', async () => {
    const loose = await h.signIn('manager', { departmentId: null });
    expect((await get(`/api/stats/satisfaction/summary`, loose.headers)).statusCode).toBe(403);
  });
});

describe('bad input', () => {
  it.each([
    ['a reversed period', 'from=2026-11-10&to=2026-11-01', 'from'],
    ['a date that does not exist', 'from=2026-02-30', 'from'],
    ['an unknown parameter', 'colour=red', ''],
    ['a period of more than three years', 'from=2020-01-01&to=2026-01-01', 'from'],
  ])('%s is a 400 problem naming the field', async (_what, query, field) => {
    const reply = await get(`/api/stats/satisfaction/summary?${query}`);
    expect(reply.statusCode).toBe(400);
    expect(reply.headers['content-type']).toMatch(/problem\+json/);
    if (field) expect(JSON.stringify(reply.json())).toContain(field);
  });

  it('an oversized limit and an unknown grouping are refused', async () => {
    expect((await get(`/api/stats/satisfaction/comments?limit=100000`)).statusCode).toBe(400);
    expect((await get(`/api/stats/satisfaction/breakdown?by=patient`)).statusCode).toBe(400);
  });
});

describe('lists that name patients', () => {
  it('comments filter by score and words, and every such read is audited', async () => {
    await h.deps.readAudit!.settled();
    const before = (h.db.$client.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'stats.patients.list'").get() as { n: number }).n;
    const low = (await get(`/api/stats/satisfaction/comments?${PERIOD}&maxSatisfaction=2`)).json();
    expect(low.items.map((c: { linkId: string; text: string }) => [c.linkId, c.text])).toEqual([['complaint-text', '等候时间太长，"医生"没解释']]);
    expect(low.items[0].patientId).toBe(f.responses.r3.patientId);
    const words = (await get(`/api/stats/satisfaction/comments?${PERIOD}&contains=${encodeURIComponent('停车')}`)).json();
    expect(words.items.map((c: { responseId: string }) => c.responseId)).toEqual([f.responses.r1.id]);
    await h.deps.readAudit!.settled();
    const audits = h.db.$client.prepare("SELECT actor_id AS actor, detail FROM audit_log WHERE action = 'stats.patients.list' ORDER BY seq").all() as { actor: string; detail: string }[];
    expect(audits.length - before).toBe(2);
    expect(JSON.parse(audits[before]!.detail).patients).toEqual([f.responses.r3.patientId]);
    expect(audits[before]!.actor).toBe(admin.id);
  });
});

describe('today is live', () => {
  it('a response recorded today counts at once, before any rollup', async () => {
    const today = (await get('/api/stats/satisfaction/summary?from=2026-11-23&to=2026-11-23')).json();
    expect(today.current.responses).toBe(0);
    const { recordResponseForPatient } = await import('../../src/modules/followup/followup.service.js');
    const { createPatient } = await import('../../src/modules/patients/patients.service.js');
    const { aPatient } = await import('../helpers/factories.js');
    const p = await createPatient(h.system(), aPatient({ identifiers: [], residentId: null }));
    await recordResponseForPatient(h.system(), {
      patientId: p.id,
      questionnaire: { url: 'https://hcrm.example/fhir/Questionnaire/outpatient-satisfaction' },
      departmentId: f.orth,
      answers: { doctor: '5', explanation: '4', nursing: '5', waiting: '3', environment: '4', cost: '3', overall: '1', nps: '0' },
    });
    const after = (await get('/api/stats/satisfaction/summary?from=2026-11-23&to=2026-11-23')).json();
    expect(after.current).toMatchObject({ responses: 1, satisfaction: { value: 1 }, nps: { value: -100 } });
  });
});

describe('CSV export', () => {
  it('is UTF-8 with a BOM, headers in Chinese, cells with commas and quotes quoted', async () => {
    const reply = await get(`/app/stats/export/comments.csv?${PERIOD}&lang=zh-CN`);
    expect(reply.statusCode).toBe(200);
    expect(reply.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(reply.headers['content-disposition']).toBe('attachment; filename="stats-comments-2026-11-01-2026-11-21.csv"');
    const bytes = reply.rawPayload;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('时间,患者,科室,医生,题目,留言,满意度均值');
    expect(text).toContain('"等候时间太长，""医生""没解释"');
    expect(lines.at(-1)).toBe('');
  });

  it('the breakdown table exports the same figures the API gives, with numerator, denominator and its name', async () => {
    const text = (await get(`/app/stats/export/breakdown.csv?${PERIOD}&lang=en`)).rawPayload.subarray(3).toString('utf8');
    const [header, first] = text.split('\r\n');
    expect(header).toBe('Department,Responses,Mean satisfaction,95% CI low,95% CI high,Share satisfied,Numerator,Denominator,Denominator,NPS,Promoters,Passives,Detractors');
    expect(first).toMatch(/^CARD,3,3\.667,/);
    expect(first).toContain(',0.6667,2,3,responded,');
  });

  it('an unknown table is a 404', async () => {
    expect((await get(`/app/stats/export/patients.csv`)).statusCode).toBe(404);
  });
});

describe('dashboard pages', () => {
  it('renders in both languages with figures, charts data, tables and export links', async () => {
    const zh = await get(`/app/stats?${PERIOD}`);
    expect(zh.statusCode).toBe(200);
    expect(zh.body).toContain('统计分析');
    expect(zh.body).toContain('3/4（分母：已回答）');
    expect(zh.body).toContain('/app/assets/chart.js?v=');
    expect(zh.body).toContain('/app/stats/export/breakdown.csv?');
    const en = await get(`/app/stats?${PERIOD}&lang=en`);
    expect(en.body).toContain('3 of 4 (responded)');
    const manager = await get(`/app/stats?${PERIOD}`, cardManager.headers);
    expect(manager.body).not.toContain('骨科');
    // Hospital-wide tables (messages, campaigns) only for administrators; patient tables for both.
    expect(zh.body).toContain('id="t-messages"');
    expect(manager.body).not.toContain('id="t-messages"');
    expect(manager.body).toContain('id="t-pyramid"');
    expect(manager.body).toContain('/app/stats/table/rfm?');
    const rfm = await get(`/app/stats/table/rfm?${PERIOD}`, cardManager.headers);
    expect(rfm.statusCode).toBe(200);
    expect(rfm.body).toContain('id="t-rfm"');
    expect((await get(`/app/stats/export/messages.csv`, cardManager.headers)).statusCode).toBe(403);
  });

  it('serves Chart.js from the service itself', async () => {
    const js = await get('/app/assets/chart.js');
    expect(js.statusCode).toBe(200);
    expect(js.body).toContain('Chart.js');
  });
});
