import { describe, expect, it } from 'vitest';
import { Problem } from '../../src/lib/problem.js';
import { addEncounter, createPatient } from '../../src/modules/patients/patients.service.js';
import { useTestHospital } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';

/*
 * Someone walks /q/ with made-up tokens. After HCRM_QUESTIONNAIRE_WRONG_TOKEN_LIMIT (20) wrong ones in 15 minutes
 * their address gets 429 for every link, a real one included, until the window passes; patients elsewhere are
 * not affected. Also the questionnaire's remaining bad-input paths: an oversized draft, an expiry in the past,
 * and an encounter of another patient.
 */
const h = await useTestHospital();
const OUTPATIENT = 'https://hcrm.example/fhir/Questionnaire/outpatient-satisfaction';
const cardiology = await h.department('CARD', '心内科');
const nurse = await h.signIn('nurse', { departmentId: cardiology });

async function seenPatient(): Promise<{ patientId: string; encounterId: string }> {
  const patient = await createPatient(h.system(), aPatient({ name: '刘海涛', identifiers: [] }));
  const file = await addEncounter(h.system(), patient.id, { class: 'outpatient', status: 'finished', departmentId: cardiology, startAt: '2026-11-20T01:00:00Z', chargesCents: 0, diagnoses: [], procedures: [] });
  return { patientId: patient.id, encounterId: file.clinical!.encounters[0]!.id };
}

const invite = (payload: object) => h.app.inject({ method: 'POST', url: '/api/questionnaire-invitations', headers: nurse.headers, payload });
const open = (token: string, remoteAddress = '203.0.113.7') => h.app.inject({ method: 'GET', url: `/q/${token}`, remoteAddress });
const wrongToken = (i: number) => `${'x'.repeat(40)}${String(i).padStart(3, '0')}`;

describe('guessing links', () => {
  it('answers wrong tokens 404 up to the limit, then 429 with Retry-After for every link from that address', async () => {
    const { patientId } = await seenPatient();
    const { token } = (await invite({ patientId, questionnaire: { url: OUTPATIENT } })).json() as { token: string };
    for (let i = 0; i < 20; i++) expect((await open(wrongToken(i))).statusCode).toBe(404);
    const blocked = await open(wrongToken(99));
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['retry-after']).toBe('900');
    expect(blocked.headers['content-type']).toMatch(/text\/html/);
    expect((await open(token)).statusCode).toBe(429);
    const post = await h.app.inject({ method: 'POST', url: `/q/${token}`, remoteAddress: '203.0.113.7', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost:80' }, payload: 'action=save' });
    expect(post.statusCode).toBe(429);
    expect((await open(token, '198.51.100.4')).statusCode).toBe(200);
    h.clock.advance(15 * 60_000 + 1000);
    expect((await open(token)).statusCode).toBe(200);
  });

  it('does not count real links that expired, and counts a malformed string as a wrong token', async () => {
    const { patientId } = await seenPatient();
    const { token } = (await invite({ patientId, questionnaire: { url: OUTPATIENT }, expiresAt: new Date(h.clock.now().getTime() + 60_000).toISOString() })).json() as { token: string };
    h.clock.advance(120_000);
    for (let i = 0; i < 25; i++) expect((await open(token, '192.0.2.55')).statusCode).toBe(410);
    const count = h.db.$client.prepare("SELECT count(*) AS n FROM questionnaire_link_failures WHERE ip = '192.0.2.55'").get() as { n: number };
    expect(count.n).toBe(0);
    expect((await open('short', '192.0.2.56')).statusCode).toBe(404);
    expect(h.db.$client.prepare("SELECT count(*) AS n FROM questionnaire_link_failures WHERE ip = '192.0.2.56'").get()).toEqual({ n: 1 });
  });
});

describe('questionnaire bad input', () => {
  it('refuses a draft too large to keep (413) and keeps nothing', async () => {
    const { patientId } = await seenPatient();
    const { id, token } = (await invite({ patientId, questionnaire: { url: OUTPATIENT } })).json() as { id: string; token: string };
    const payload = `action=save&${encodeURIComponent('q:suggestion')}=${'长'.repeat(70_000)}`;
    const reply = await h.app.inject({ method: 'POST', url: `/q/${token}`, headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost:80' }, payload });
    expect(reply.statusCode).toBe(413);
    expect(h.db.$client.prepare('SELECT draft FROM questionnaire_invitations WHERE id = ?').get(id)).toEqual({ draft: null });
  });

  it('refuses an expiry in the past with questionnaires.invalid_expiry', async () => {
    const { patientId } = await seenPatient();
    const reply = await invite({ patientId, questionnaire: { url: OUTPATIENT }, expiresAt: '2026-01-01T00:00:00Z' });
    expect(Problem.parse(reply.json())).toMatchObject({ status: 400, code: 'questionnaires.invalid_expiry', errors: [{ field: 'expiresAt', code: 'in_past' }] });
  });

  it('refuses another patient’s encounter with followup.unknown_encounter, for invitations and answers alike', async () => {
    const { patientId } = await seenPatient();
    const other = await seenPatient();
    const reply = await invite({ patientId, questionnaire: { url: OUTPATIENT }, encounterId: other.encounterId });
    expect(Problem.parse(reply.json())).toMatchObject({ status: 400, code: 'followup.unknown_encounter', errors: [{ field: 'encounterId' }] });
    const answers = { doctor: '5', explanation: '4', nursing: '5', waiting: '3', environment: '4', cost: '3', overall: '4', nps: 9 };
    const recorded = await h.app.inject({ method: 'POST', url: '/api/questionnaire-responses', headers: nurse.headers, payload: { patientId, questionnaire: { url: OUTPATIENT }, encounterId: other.encounterId, answers } });
    expect(Problem.parse(recorded.json()).code).toBe('followup.unknown_encounter');
    const rows = h.db.$client.prepare('SELECT count(*) AS n FROM questionnaire_invitations WHERE patient_id = ?').get(patientId) as { n: number };
    expect(rows.n).toBe(0);
  });
});
