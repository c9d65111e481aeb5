import { describe, expect, it } from 'vitest';
import { createPatient } from '../../src/modules/patients/patients.service.js';
import { useTestHospital } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';

/*
 * The call centre's review pages and their refusals: the admins' routing-rule page keeps every rule's assignee
 * among its choices, and refuses what it cannot save with the reason and its status, saving nothing; the contact
 * log's score form shows a refusal on the contact's own form instead of redirecting it away.
 */
const h = await useTestHospital({ now: '2026-11-23T02:00:00.000Z' });
const cardiology = await h.department('CARD', '心内科');
const admin = await h.signIn('admin');
const nurse = await h.signIn('nurse', { departmentId: cardiology });
const manager = await h.signIn('manager', { departmentId: cardiology });

const post = (session: { token: string }, url: string, fields: Record<string, string>) =>
  h.app.inject({
    method: 'POST',
    url,
    headers: { cookie: `hcrm_session=${session.token}`, origin: 'http://localhost:80', host: 'localhost:80', 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  });
const rulesInDb = () => h.db.$client.prepare('SELECT id, name, deadline_hours AS deadlineHours, version FROM feedback_routing_rules ORDER BY id').all() as { id: string; name: string; deadlineHours: number; version: number }[];
const aRule = { name: '收费投诉', kind: 'complaint', category: 'billing', departmentId: '', severity: '', assigneeId: '', assigneeGroup: 'QUALITY', deadlineHours: '8', priority: '0', active: 'on' };

describe('the routing-rule page', () => {
  it("offers a rule's assignee who is neither manager nor admin, selected, so saving the rule keeps them", async () => {
    const created = await h.app.inject({ method: 'POST', url: '/api/feedback/rules', headers: admin.headers, payload: { name: '病房表扬给护士长', kind: 'praise', assigneeId: nurse.id, deadlineHours: 48 } });
    expect(created.statusCode, created.body).toBe(201);
    const page = await h.app.inject({ method: 'GET', url: '/app/feedback/rules', headers: admin.headers });
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(new RegExp(`<option value="${nurse.id}"[^>]*selected`));
  });

  it('refuses a new rule with a bad deadline, an unknown assignee or department, or an overlong name: 400, the field named, nothing saved', async () => {
    const before = rulesInDb();
    for (const [fields, field] of [
      [{ ...aRule, deadlineHours: 'soon' }, 'deadlineHours'],
      [{ ...aRule, deadlineHours: '0' }, 'deadlineHours'],
      [{ ...aRule, deadlineHours: '99999' }, 'deadlineHours'],
      [{ ...aRule, assigneeGroup: '', assigneeId: '01JNOBODY000000000000000000' }, 'assigneeId'],
      [{ ...aRule, departmentId: '01JNOWHERE00000000000000000' }, 'departmentId'],
      [{ ...aRule, name: '投'.repeat(101) }, 'name'],
      [{ ...aRule, kind: 'rumour' }, 'kind'],
    ] as const) {
      const refused = await post(admin, '/app/feedback/rules', fields);
      expect(refused.statusCode, `${field}: ${refused.body.slice(0, 200)}`).toBe(400);
      expect(refused.headers['content-type']).toContain('text/html');
      expect(refused.body).toMatch(new RegExp(`class="banner banner-error"[^]*${field}`));
    }
    expect(rulesInDb()).toEqual(before);
  });

  it('refuses a change made on a stale copy (409) and one to a rule that does not exist (404), changing nothing', async () => {
    expect((await post(admin, '/app/feedback/rules', aRule)).statusCode).toBe(303);
    const rule = rulesInDb().find((r) => r.name === '收费投诉')!;
    expect((await post(admin, `/app/feedback/rules/${rule.id}`, { ...aRule, deadlineHours: '4', version: String(rule.version) })).statusCode).toBe(303);
    const stale = await post(admin, `/app/feedback/rules/${rule.id}`, { ...aRule, deadlineHours: '12', version: String(rule.version) });
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('banner-error');
    expect(rulesInDb().find((r) => r.id === rule.id)).toMatchObject({ deadlineHours: 4, version: rule.version + 1 });
    const missing = await post(admin, '/app/feedback/rules/01JNORULE0000000000000000000', { ...aRule, version: '1' });
    expect(missing.statusCode).toBe(404);
    const noVersion = await post(admin, `/app/feedback/rules/${rule.id}`, { ...aRule, version: 'latest' });
    expect(noVersion.statusCode).toBe(400);
    expect(noVersion.body).toMatch(/banner-error[^]*version/);
    expect(rulesInDb().find((r) => r.id === rule.id)).toMatchObject({ deadlineHours: 4, version: rule.version + 1 });
  });

  it('is not for managers: reading or saving answers 403 and saves nothing', async () => {
    const before = rulesInDb();
    expect((await h.app.inject({ method: 'GET', url: '/app/feedback/rules', headers: { cookie: `hcrm_session=${manager.token}` } })).statusCode).toBe(403);
    expect((await post(manager, '/app/feedback/rules', aRule)).statusCode).toBe(403);
    expect(rulesInDb()).toEqual(before);
  });
});

describe('the contact score form', () => {
  it('shows a bad score or an overlong note on the contact\'s own form (400, the field named, what was typed kept), saving nothing', async () => {
    const patient = await createPatient(h.system(), aPatient());
    const logged = await h.app.inject({ method: 'POST', url: '/api/contacts', headers: nurse.headers, payload: { patientId: patient.id, kind: 'call_out', outcome: 'reached', summary: '术后随访电话' } });
    expect(logged.statusCode, logged.body).toBe(201);
    const contact = (logged.json() as { id: string }).id;
    const back = new URLSearchParams({ staffId: nurse.id, from: '2026-11-20', to: '2026-11-23' }).toString();
    const scoreOf = () => h.db.$client.prepare('SELECT quality_score AS score, quality_note AS note FROM contacts WHERE id = ?').get(contact);

    const badScore = await post(manager, `/app/contacts/${contact}/review`, { back, score: '9', note: '态度很好' });
    expect(badScore.statusCode).toBe(400);
    expect(badScore.body).toMatch(new RegExp(`<tr data-contact="${contact}">[^]*id="r-${contact}-error" role="alert"><span data-field="score">`));
    expect(badScore.body).toMatch(/<select name="score"[^>]*aria-invalid="true"/);
    expect(badScore.body).toContain('value="态度很好"');
    // The list it came from, not another staff member's or period's.
    expect(badScore.body).toContain('value="2026-11-20"');

    const longNote = await post(manager, `/app/contacts/${contact}/review`, { back, score: '4', note: '长'.repeat(1001) });
    expect(longNote.statusCode).toBe(400);
    expect(longNote.body).toMatch(/<span data-field="note">备注: /);
    expect(longNote.body).toMatch(/<input name="note"[^>]*aria-invalid="true"/);

    const hostile = await post(manager, `/app/contacts/${contact}/review`, { back: '<script>', score: '<b>1</b>', note: '"><script>alert(1)</script>' });
    expect(hostile.statusCode).toBe(400);
    expect(hostile.body).not.toContain('<script>alert(1)</script>');
    expect(scoreOf()).toEqual({ score: null, note: null });

    const saved = await post(manager, `/app/contacts/${contact}/review`, { back, score: '4', note: '解释清楚' });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`/app/contacts?${back}&done=review`);
    expect(scoreOf()).toEqual({ score: 4, note: '解释清楚' });
  });

  it("answers 404 on the list for a contact of another department's staff, scoring nothing", async () => {
    const patient = await createPatient(h.system(), aPatient());
    const logged = await h.app.inject({ method: 'POST', url: '/api/contacts', headers: nurse.headers, payload: { patientId: patient.id, kind: 'call_in', outcome: 'reached' } });
    const contact = (logged.json() as { id: string }).id;
    const elsewhere = await h.signIn('manager', { departmentId: await h.department('ORTH', '骨科') });
    const refused = await post(elsewhere, `/app/contacts/${contact}/review`, { back: '', score: '1' });
    expect(refused.statusCode).toBe(404);
    expect(refused.body).toContain('banner-error');
    expect(h.db.$client.prepare('SELECT quality_score AS score FROM contacts WHERE id = ?').get(contact)).toEqual({ score: null });
  });
});
