import { describe, expect, it } from 'vitest';
import { Problem } from '../../src/lib/problem.js';
import { inTransaction } from '../../src/lib/transaction.js';
import { recordResponse } from '../../src/modules/followup/followup.service.js';
import { satisfactionFromResponses } from '../../src/modules/followup/followup.repository.js';
import { pendingFollowupEvents, satisfactionByDepartmentMonth, toFigure } from '../../src/modules/followup/followup.queries.js';
import { addEncounter, createPatient } from '../../src/modules/patients/patients.service.js';
import { useTestHospital } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';

/*
 * The story: 王秀英 is seen in cardiology; a nurse there sends her the outpatient satisfaction survey; she opens
 * the link on her phone, saves a draft, submits once, and her answers are scored, stored, exported and shown
 * on her timeline.
 */
const h = await useTestHospital();
const OUTPATIENT = 'https://hcrm.example/fhir/Questionnaire/outpatient-satisfaction';
const cardiology = await h.department('CARD', '心内科');
const nurse = await h.signIn('nurse', { departmentId: cardiology });
const admin = await h.signIn('admin');
const manager = await h.signIn('manager', { departmentId: cardiology });
const otherNurse = await h.signIn('nurse', { departmentId: await h.department('ORTH', '骨科') });
const GOOD = { doctor: '5', explanation: '4', nursing: '5', waiting: '3', environment: '4', cost: '3', overall: '4', nps: '9' };

async function seenPatient(): Promise<{ patientId: string; encounterId: string }> {
  const patient = await createPatient(h.system(), aPatient({ name: '王秀英', gender: 'female', birthDate: '1961-03-08', identifiers: [] }));
  const file = await addEncounter(h.system(), patient.id, { class: 'outpatient', status: 'finished', departmentId: cardiology, startAt: '2026-11-20T01:00:00Z', chargesCents: 12000, diagnoses: [], procedures: [] });
  return { patientId: patient.id, encounterId: file.clinical!.encounters[0]!.id };
}

async function invite(patientId: string, extra: object = {}): Promise<{ id: string; questionnaireId: string; token: string; link: string; expiresAt: string }> {
  const reply = await h.app.inject({ method: 'POST', url: '/api/questionnaire-invitations', headers: nurse.headers, payload: { patientId, questionnaire: { url: OUTPATIENT }, purpose: 'satisfaction', ...extra } });
  expect(reply.statusCode, reply.body).toBe(201);
  return reply.json();
}

const form = (fields: Record<string, string | string[]>) =>
  Object.entries(fields)
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${encodeURIComponent(k)}=${encodeURIComponent(x)}`))
    .join('&');
const postForm = (token: string, fields: Record<string, string | string[]>, lang = 'zh-CN') =>
  h.app.inject({ method: 'POST', url: `/q/${token}?lang=${lang}`, headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost:80' }, payload: form(fields) });
const answerFields = (answers: Record<string, string>) => Object.fromEntries(Object.entries(answers).map(([k, v]) => [`q:${k}`, v]));

describe('inviting a patient', () => {
  it('returns a single-use link with a 256-bit token, of which only a keyed hash is stored', async () => {
    const { patientId, encounterId } = await seenPatient();
    const created = await invite(patientId, { encounterId });
    expect(created.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created.link).toBe(`http://127.0.0.1:3000/q/${created.token}`);
    expect(created.expiresAt).toBe(new Date(h.clock.now().getTime() + 14 * 86_400_000).toISOString());
    const stored = h.db.$client.prepare('SELECT * FROM questionnaire_invitations WHERE id = ?').get(created.id) as Record<string, unknown>;
    expect(JSON.stringify(stored)).not.toContain(created.token);
    expect(stored).toMatchObject({ department_id: cardiology, encounter_id: encounterId, status: 'open' });
    const auditRow = h.db.$client.prepare("SELECT * FROM audit_log WHERE action = 'questionnaire.invitation.create' AND entity_id = ?").get(created.id);
    expect(auditRow).toMatchObject({ patient_id: patientId, actor_id: nurse.id });
  });

  it('refuses another department’s nurse, naming no patient (404) or the department (403)', async () => {
    const { patientId } = await seenPatient();
    const reply = await h.app.inject({ method: 'POST', url: '/api/questionnaire-invitations', headers: otherNurse.headers, payload: { patientId, questionnaire: { url: OUTPATIENT } } });
    expect(reply.statusCode).toBe(404);
    const wrongDept = await h.app.inject({ method: 'POST', url: '/api/questionnaire-invitations', headers: otherNurse.headers, payload: { patientId, questionnaire: { url: OUTPATIENT }, departmentId: cardiology } });
    expect(wrongDept.statusCode).toBe(403);
    expect(Problem.parse(wrongDept.json()).code).toBe('followup.department_scope');
  });

  it('refuses an unknown questionnaire with a field error', async () => {
    const { patientId } = await seenPatient();
    const reply = await h.app.inject({ method: 'POST', url: '/api/questionnaire-invitations', headers: nurse.headers, payload: { patientId, questionnaire: { url: OUTPATIENT, version: '9.9' } } });
    expect(reply.statusCode).toBe(400);
    expect(Problem.parse(reply.json())).toMatchObject({ code: 'questionnaires.unknown', errors: [{ field: 'questionnaire' }] });
  });
});

describe('the patient’s link', () => {
  it('shows the form, keeps a draft, accepts one submission and thanks the patient', async () => {
    const { patientId } = await seenPatient();
    const { token } = await invite(patientId);
    const page = await h.app.inject({ method: 'GET', url: `/q/${token}` });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.body).toContain('门诊患者满意度调查');
    expect(page.body).toMatch(/<script src="\/app\/assets\/questionnaire\.js\?v=\w+" defer><\/script>/);
    expect(page.body).not.toMatch(/<script>/);
    expect((await h.app.inject({ method: 'GET', url: `/q/${token}?lang=en` })).body).toContain('Outpatient satisfaction survey');

    const saved = await postForm(token, { action: 'save', 'q:doctor': '5', 'q:suggestion': '候诊区座位再多一些' });
    expect(saved.statusCode).toBe(303);
    const again = await h.app.inject({ method: 'GET', url: saved.headers.location as string });
    expect(again.body).toContain('候诊区座位再多一些');
    expect(again.body).toMatch(/value="5" checked/);

    const submitted = await postForm(token, { action: 'submit', ...answerFields(GOOD) });
    expect(submitted.statusCode, submitted.body).toBe(303);
    expect(submitted.headers.location).toBe('/q/thanks?lang=zh-CN');
    expect((await h.app.inject({ method: 'GET', url: '/q/thanks?lang=zh-CN' })).body).toContain('感谢您的填写');

    const stored = h.db.$client.prepare('SELECT * FROM questionnaire_responses WHERE patient_id = ?').get(patientId) as Record<string, unknown>;
    expect(stored).toMatchObject({ source: 'patient', department_id: cardiology, total_score: 28, satisfaction: 4, nps: 9, month: '2026-11' });
    const resource = JSON.parse(stored['fhir'] as string);
    expect(resource).toMatchObject({ resourceType: 'QuestionnaireResponse', questionnaire: `${OUTPATIENT}|1.0.0`, status: 'completed', subject: { reference: `Patient/${patientId}` } });
    const audited = h.db.$client.prepare("SELECT actor_kind FROM audit_log WHERE action = 'questionnaire.response.record' AND patient_id = ?").get(patientId);
    expect(audited).toEqual({ actor_kind: 'patient' });
  });

  it('refuses a replay with a clear page, and the stored answer stays the first one', async () => {
    const { patientId } = await seenPatient();
    const { token } = await invite(patientId);
    expect((await postForm(token, { action: 'submit', ...answerFields(GOOD) })).statusCode).toBe(303);
    for (const replay of [await postForm(token, { action: 'submit', ...answerFields({ ...GOOD, overall: '1' }) }), await h.app.inject({ method: 'GET', url: `/q/${token}` })]) {
      expect(replay.statusCode).toBe(409);
      expect(replay.body).toContain('此问卷已经提交过');
    }
    expect(h.db.$client.prepare('SELECT count(*) AS n, max(satisfaction) AS s FROM questionnaire_responses WHERE patient_id = ?').get(patientId)).toEqual({ n: 1, s: 4 });
  });

  it('tells the patient the last day of the link as a day in the hospital’s zone, not in UTC', async () => {
    const { patientId } = await seenPatient();
    // 17:00 UTC on 7 December is 01:00 on 8 December in Shanghai: the link is good through the 8th there.
    const { token } = await invite(patientId, { expiresAt: '2026-12-07T17:00:00.000Z' });
    const zh = await h.app.inject({ method: 'GET', url: `/q/${token}` });
    expect(zh.body).toContain('此链接有效期至 2026-12-08。');
    const en = await h.app.inject({ method: 'GET', url: `/q/${token}?lang=en` });
    expect(en.body).toContain('This link is valid until 2026-12-08.');
    expect(en.body).not.toContain('2026-12-07');
  });

  it('refuses an expired link', async () => {
    const { patientId } = await seenPatient();
    const { token } = await invite(patientId, { expiresAt: new Date(h.clock.now().getTime() + 60_000).toISOString() });
    h.clock.advance(61_000);
    try {
      const reply = await h.app.inject({ method: 'GET', url: `/q/${token}?lang=en` });
      expect(reply.statusCode).toBe(410);
      expect(reply.body).toContain('This questionnaire link has expired');
      expect((await postForm(token, { action: 'submit', ...answerFields(GOOD) })).statusCode).toBe(410);
    } finally {
      h.clock.set(new Date(h.clock.now().getTime() - 61_000));
    }
  });

  it('answers a wrong, malformed or guessed token exactly as an unknown one', async () => {
    const { patientId } = await seenPatient();
    const { token } = await invite(patientId);
    const flipped = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    const bodies = new Set<string>();
    for (const guess of [flipped, 'A'.repeat(43), 'short', `${token}x`, encodeURIComponent('../../etc/passwd')]) {
      const reply = await h.app.inject({ method: 'GET', url: `/q/${guess}` });
      expect(reply.statusCode).toBe(404);
      bodies.add(reply.body.replace(/\/q\/[^"?]*/g, ''));
    }
    expect(bodies.size).toBe(1);
    expect([...bodies][0]).toContain('此问卷链接无效');
  });

  it('refuses a flood of form fields with a 400 page and stores neither draft nor answer', async () => {
    const { patientId } = await seenPatient();
    const { id, token } = await invite(patientId);
    const junk = Object.fromEntries(Array.from({ length: 501 }, (_, i) => [`q:junk${i}`, 'x']));
    const reply = await postForm(token, { ...junk, action: 'save' });
    expect(reply.statusCode).toBe(400);
    expect(h.db.$client.prepare('SELECT count(*) AS n FROM questionnaire_responses WHERE invitation_id = ?').get(id)).toEqual({ n: 0 });
    expect(h.db.$client.prepare('SELECT draft FROM questionnaire_invitations WHERE id = ?').get(id)).toEqual({ draft: null });
  });

  it('shows a message at each question with a problem and keeps what the patient typed', async () => {
    const { patientId } = await seenPatient();
    const { token } = await invite(patientId);
    const reply = await postForm(token, { action: 'submit', ...answerFields({ ...GOOD, nps: '11', doctor: '' }), 'q:suggestion': '好' }, 'en');
    expect(reply.statusCode).toBe(400);
    expect(reply.body).toContain('2 answers need attention');
    expect(reply.body).toContain('Please answer this question.');
    expect(reply.body).toContain('This value is too large; see the range.');
    expect(reply.body).toMatch(/name="q:nps" value="11"/);
    expect(h.db.$client.prepare('SELECT status FROM questionnaire_invitations WHERE patient_id = ?').get(patientId)).toEqual({ status: 'open' });
  });

  it('drops answers to questions the other answers switch off (the patient changed a branch)', async () => {
    const { patientId } = await seenPatient();
    const { token } = await invite(patientId);
    const reply = await postForm(token, { action: 'submit', ...answerFields(GOOD), 'q:overall-reason': '等太久', 'q:complaint-text': '态度差' });
    expect(reply.statusCode, reply.body).toBe(303);
    const links = h.db.$client.prepare('SELECT link_id FROM questionnaire_answers a JOIN questionnaire_responses r ON r.id = a.response_id WHERE r.patient_id = ?').all(patientId);
    expect(links.map((l) => (l as { link_id: string }).link_id)).not.toContain('overall-reason');
    expect(links.map((l) => (l as { link_id: string }).link_id)).not.toContain('complaint-text');
  });
});

describe('answers entered by staff through the API', () => {
  const record = async (answers: Record<string, unknown>, patientId?: string) => {
    const id = patientId ?? (await seenPatient()).patientId;
    return h.app.inject({ method: 'POST', url: '/api/questionnaire-responses', headers: nurse.headers, payload: { patientId: id, questionnaire: { url: OUTPATIENT }, answers } });
  };

  it.each([
    ['an answer to a disabled item', { ...GOOD, 'complaint-text': '态度差' }, 'answers.complaint-text', 'disabled'],
    ['a wrong type', { ...GOOD, nps: 'nine' }, 'answers.nps', 'wrong_type'],
    ['a missing required answer', { ...GOOD, overall: undefined }, 'answers.overall', 'required'],
    ['a value above the range', { ...GOOD, nps: 11 }, 'answers.nps', 'above_max'],
    ['a value below the range', { ...GOOD, 'wait-minutes': -5 }, 'answers.wait-minutes', 'below_min'],
    ['an unknown linkId', { ...GOOD, 'favourite-colour': 'blue' }, 'answers.favourite-colour', 'unknown_item'],
    ['oversized text', { ...GOOD, suggestion: '很'.repeat(1001) }, 'answers.suggestion', 'too_long'],
    ['a choice not offered', { ...GOOD, doctor: '6' }, 'answers.doctor', 'not_an_option'],
    ['two answers to a single-answer item', { ...GOOD, doctor: ['4', '5'] }, 'answers.doctor', 'too_many'],
    ['an answer to a group', { ...GOOD, care: 'x' }, 'answers.care', 'not_answerable'],
  ])('refuses %s with a field-level problem', async (_case, answers, field, code) => {
    const reply = await record(JSON.parse(JSON.stringify(answers)));
    expect(reply.statusCode, reply.body).toBe(400);
    const problem = Problem.parse(reply.json());
    expect(problem.code).toBe('questionnaires.invalid_answers');
    expect(problem.errors).toContainEqual(expect.objectContaining({ field, code }));
  });

  it('stores a valid response, scored on the server, with a low-satisfaction and a complaint event', async () => {
    const { patientId } = await seenPatient();
    const reply = await record({ ...GOOD, overall: '1', 'overall-reason': '排队两小时', 'has-complaint': true, 'complaint-text': '收费窗口态度差', totalScore: 99 }, patientId);
    expect(reply.statusCode, reply.body).toBe(400); // totalScore is not a question: scores never come from the client
    const ok = await record({ ...GOOD, overall: '1', 'overall-reason': '排队两小时', 'has-complaint': true, 'complaint-text': '收费窗口态度差' }, patientId);
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ totalScore: 25 });
    const events = (await pendingFollowupEvents(h.system(), { limit: 100 })).filter((e) => e.patientId === patientId);
    expect(events.map((e) => e.kind).sort()).toEqual(['complaint', 'low_satisfaction']);
    expect(events[0]).toMatchObject({ departmentId: cardiology, questionnaireUrl: OUTPATIENT, satisfaction: 1 });
  });
});

describe('answers taken on a call for an open link (what follow-up tasks will do)', () => {
  it('close the link, so the patient then sees it answered', async () => {
    const { patientId } = await seenPatient();
    const created = await invite(patientId);
    const staffCtx = { ...h.system(), actor: { kind: 'staff' as const, id: nurse.id, role: 'nurse' as const, departmentId: cardiology, username: nurse.username } };
    const { id } = inTransaction(h.system(), (tx) =>
      recordResponse(tx, staffCtx, { questionnaireId: created.questionnaireId, patientId, departmentId: cardiology, invitationId: created.id, answers: GOOD, source: 'staff', disabledAnswers: 'refuse' }),
    );
    expect(h.db.$client.prepare('SELECT source, invitation_id FROM questionnaire_responses WHERE id = ?').get(id)).toEqual({ source: 'staff', invitation_id: created.id });
    expect((await h.app.inject({ method: 'GET', url: `/q/${created.token}` })).statusCode).toBe(409);
    expect(() => inTransaction(h.system(), (tx) => recordResponse(tx, staffCtx, { questionnaireId: created.questionnaireId, patientId, invitationId: created.id, answers: GOOD, source: 'staff', disabledAnswers: 'refuse' }))).toThrow(/already been answered/);
  });
});

describe('reading, exporting and the timeline', () => {
  it('lists questionnaires with versions and serves a definition', async () => {
    const list = (await h.app.inject({ method: 'GET', url: '/api/questionnaires', headers: nurse.headers })).json() as { items: { url: string; versions: { id: string; version: string }[] }[] };
    const outpatient = list.items.find((i) => i.url === OUTPATIENT)!;
    expect(outpatient.versions[0]!.version).toBe('1.0.0');
    const detail = await h.app.inject({ method: 'GET', url: `/api/questionnaires/${outpatient.versions[0]!.id}`, headers: nurse.headers });
    expect(detail.json()).toMatchObject({ url: OUTPATIENT, definition: { resourceType: 'Questionnaire' } });
  });

  it('pages a patient’s responses, scoped to the departments that saw them', async () => {
    const { patientId } = await seenPatient();
    for (let i = 0; i < 3; i++) {
      await postForm((await invite(patientId)).token, { action: 'submit', ...answerFields(GOOD) });
      h.clock.advance(1000);
    }
    const first = (await h.app.inject({ method: 'GET', url: `/api/questionnaire-responses?patientId=${patientId}&limit=2`, headers: nurse.headers })).json();
    expect(first.items).toHaveLength(2);
    const second = (await h.app.inject({ method: 'GET', url: `/api/questionnaire-responses?patientId=${patientId}&limit=2&cursor=${first.nextCursor}`, headers: nurse.headers })).json();
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    expect((await h.app.inject({ method: 'GET', url: `/api/questionnaire-responses?patientId=${patientId}`, headers: otherNurse.headers })).statusCode).toBe(404);

    const timeline = (await h.app.inject({ method: 'GET', url: `/api/patients/${patientId}/timeline`, headers: nurse.headers })).json() as { items: { kind: string; title: string }[] };
    expect(timeline.items.filter((i) => i.kind === 'questionnaire-response')).toHaveLength(3);
    expect(timeline.items.filter((i) => i.kind === 'questionnaire-invitation').map((i) => i.title)).toEqual(Array(3).fill('questionnaire.invitation.answered'));
    expect(timeline.items.find((i) => i.kind === 'questionnaire-response')).toMatchObject({ detail: '门诊患者满意度调查 v1.0.0 · score 28 · satisfaction 4 · NPS 9' });
  });

  it('exports CSV with a BOM and a column per item, and a FHIR Bundle', async () => {
    const csv = await h.app.inject({ method: 'GET', url: `/api/questionnaire-responses/export?questionnaire=${encodeURIComponent(`${OUTPATIENT}|1.0.0`)}&format=csv`, headers: manager.headers });
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const [header, ...rows] = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(header!.split(',')).toEqual(expect.arrayContaining(['response_id', 'doctor', 'overall', 'nps', 'complaint-text', 'suggestion']));
    expect(rows.length).toBeGreaterThan(3);
    const bundle = await h.app.inject({ method: 'GET', url: `/api/questionnaire-responses/export?questionnaire=${encodeURIComponent(OUTPATIENT)}&format=fhir`, headers: admin.headers });
    expect(bundle.json()).toMatchObject({ resourceType: 'Bundle', type: 'collection', total: rows.length });
  });

  it('keeps the satisfaction rollup equal to the figures computed from the responses', async () => {
    const figures = await satisfactionByDepartmentMonth(h.system(), { fromMonth: '2026-01', toMonth: '2026-12', questionnaireUrl: OUTPATIENT });
    const raw = satisfactionFromResponses(h.db, '2026-01', '2026-12').map(toFigure);
    expect(figures).toEqual(raw);
    expect(figures.find((f) => f.departmentId === cardiology)).toMatchObject({ month: '2026-11' });
  });
});
