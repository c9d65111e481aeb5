import { beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/lib/transaction.js';
import { Problem } from '../../src/lib/problem.js';
import { createCareReminder } from '../../src/modules/care/care.service.js';
import { createFeedback } from '../../src/modules/feedback/feedback.service.js';
import { createInvitation } from '../../src/modules/followup/followup.service.js';
import { openCallTask } from '../../src/modules/followup/worklist/tasks.js';
import { recordDecision } from '../../src/modules/identity/identity.resolution.js';
import { MergeView, ReviewDetail, ReviewPage } from '../../src/modules/identity/identity.schemas.js';
import { enqueueMessage } from '../../src/modules/messaging/messaging.service.js';
import { addEncounter, createPatient } from '../../src/modules/patients/patients.service.js';
import { PatientFile } from '../../src/modules/patients/patients.schemas.js';
import { useTestHospital, type StaffSession } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';

/*
 * The same woman was registered twice. A reviewer links the two files: her visits, identifiers, the SMS waiting
 * in the outbox, her open questionnaire and her medication reminder all follow her to the surviving file, and the
 * other file says where she went. The merge was wrong after all: unmerge puts everything back.
 */
const h = await useTestHospital();
let admin: StaffSession;
let manager: StaffSession;
let doctor: StaffSession;
let departmentId: string;
beforeAll(async () => {
  departmentId = await h.department('GYN', '妇科');
  admin = await h.signIn('admin');
  manager = await h.signIn('manager', { departmentId });
  doctor = await h.signIn('doctor', { departmentId });
});

const count = (sql: string, ...args: unknown[]) => (h.db.$client.prepare(sql).get(...args) as { n: number }).n;
const patientOf = (table: string, id: string) => (h.db.$client.prepare(`SELECT patient_id AS p FROM ${table} WHERE id = ?`).get(id) as { p: string }).p;

/** Two files and a review pairing them, as an import leaves them when the score falls between the thresholds. */
async function pairForReview(): Promise<{ survivorId: string; duplicateId: string; reviewId: string }> {
  const first = await createPatient(h.system(), aPatient({ name: '孙丽', gender: 'female', birthDate: '1985-06-01', identifiers: [{ system: 'his-mrn', value: `S${Math.random().toString(36).slice(2, 8)}` }] }));
  const second = await createPatient(h.system(), aPatient({ name: '孙莉', gender: 'female', birthDate: '1985-06-01', identifiers: [{ system: 'emr-id', value: `E${Math.random().toString(36).slice(2, 8)}` }] }));
  inTransaction(h.deps, (tx) =>
    recordDecision(
      tx,
      h.system(),
      {
        decision: 'review',
        candidateId: first.id,
        explanation: { method: 'probabilistic', candidatePersonId: first.id, candidateRecord: null, candidatesCompared: 3, score: 14.2, linkThreshold: 20, reviewThreshold: 10, fields: [{ field: 'givenName', level: 'close', weight: 3, note: 'homophone' }], heldForReview: null, ruledOut: null },
      },
      second.id,
      { source: 'emr', recordKey: 'msg-1', runId: null },
    ),
  );
  const reviewId = (h.db.$client.prepare('SELECT id FROM identity_reviews WHERE patient_id = ?').get(second.id) as { id: string }).id;
  return { survivorId: first.id, duplicateId: second.id, reviewId };
}

/** What is pending on a file: a visit, an SMS in the outbox, an open questionnaire link, a running reminder. */
async function pendingOn(patientId: string) {
  await addEncounter(h.system(), patientId, { class: 'outpatient', status: 'finished', departmentId, startAt: '2026-11-10T01:00:00Z', chargesCents: 0, diagnoses: [{ code: 'N76.0', text: '急性阴道炎', primary: true }], procedures: [] });
  const encounterId = (h.db.$client.prepare('SELECT id FROM encounters WHERE patient_id = ?').get(patientId) as { id: string }).id;
  const message = inTransaction(h.deps, (tx) => enqueueMessage(tx, h.system(), { purpose: 'test', category: 'care', patientId, template: 'messaging.opted-in', variables: {}, scheduledAt: h.clock.now(), dedupeKey: `merge:${patientId}` }));
  const invitation = inTransaction(h.deps, (tx) => createInvitation(tx, h.system(), { patientId, questionnaire: { url: 'https://hcrm.example/fhir/Questionnaire/outpatient-satisfaction' }, departmentId, purpose: 'satisfaction' }));
  const reminder = await createCareReminder(h.system(), { kind: 'free_text', patientId, text: '请按时复诊', timesOfDay: ['09:00'], startDate: '2026-11-24' });
  return { encounterId, messageId: message.id, invitationId: invitation.id, reminderId: reminder.id };
}

async function file(id: string) {
  return PatientFile.parse((await h.app.inject({ method: 'GET', url: `/api/patients/${id}`, headers: admin.headers })).json());
}

describe('the review queue', () => {
  it('lists open pairs with both names, and shows one side by side with the explanation; every read is audited', async () => {
    const { reviewId, survivorId, duplicateId } = await pairForReview();
    const before = count("SELECT count(*) AS n FROM audit_log WHERE action LIKE 'identity.review%'");
    const page = ReviewPage.parse((await h.app.inject({ method: 'GET', url: '/api/identity/reviews?status=open&minScore=10', headers: manager.headers })).json());
    expect(page.items.find((r) => r.id === reviewId)).toMatchObject({ patientName: '孙莉', candidateName: '孙丽', score: 14.2, status: 'open' });
    const reply = await h.app.inject({ method: 'GET', url: `/api/identity/reviews/${reviewId}`, headers: manager.headers });
    expect(reply.statusCode, reply.body).toBe(200);
    const detail = ReviewDetail.parse(reply.json());
    expect(detail.record).toMatchObject({ id: duplicateId, name: '孙莉' });
    expect(detail.candidate).toMatchObject({ id: survivorId, name: '孙丽' });
    // A manager does not call patients: numbers come masked.
    expect(detail.candidate.residentId).toMatch(/\*{8}/);
    expect(detail.candidate.phone).toMatch(/\*/);
    expect(detail.explanation.fields.find((f) => f.field === 'givenName')).toMatchObject({ level: 'close', note: 'homophone' });
    expect(detail.explanation.fields.find((f) => f.field === 'birthDate')).toMatchObject({ level: 'missing', weight: 0 });
    await h.deps.readAudit!.settled();
    expect(count("SELECT count(*) AS n FROM audit_log WHERE action LIKE 'identity.review%'")).toBe(before + 3);
    expect(count("SELECT count(*) AS n FROM audit_log WHERE action = 'identity.review.read' AND patient_id = ?", survivorId)).toBe(1);
  });

  it('marks a pair as two people: both files stay, the decision is audited, and it is not taken twice', async () => {
    const { reviewId, duplicateId } = await pairForReview();
    const reply = await h.app.inject({ method: 'POST', url: `/api/identity/reviews/${reviewId}/decision`, headers: manager.headers, payload: { decision: 'different', note: '姐妹' } });
    expect(reply.statusCode, reply.body).toBe(200);
    expect(ReviewDetail.parse(reply.json())).toMatchObject({ status: 'different', note: '姐妹', mergeId: null });
    expect((await file(duplicateId)).active).toBe(true);
    expect(count("SELECT count(*) AS n FROM audit_log WHERE action = 'identity.review.different' AND entity_id = ?", reviewId)).toBe(1);
    const twice = await h.app.inject({ method: 'POST', url: `/api/identity/reviews/${reviewId}/decision`, headers: admin.headers, payload: { decision: 'link' } });
    expect(twice.statusCode).toBe(409);
    expect(Problem.parse(twice.json())).toMatchObject({ code: 'identity.review_decided' });
  });

  it('refuses the wrong role, unknown reviews, unknown decisions and a survivor from outside the pair', async () => {
    const { reviewId } = await pairForReview();
    expect((await h.app.inject({ method: 'GET', url: '/api/identity/reviews', headers: doctor.headers })).statusCode).toBe(403);
    expect((await h.app.inject({ method: 'POST', url: `/api/identity/reviews/${reviewId}/decision`, headers: doctor.headers, payload: { decision: 'link' } })).statusCode).toBe(403);
    const unknown = await h.app.inject({ method: 'GET', url: '/api/identity/reviews/no-such-review', headers: admin.headers });
    expect(unknown.statusCode).toBe(404);
    expect(Problem.parse(unknown.json())).toMatchObject({ code: 'identity.review_not_found' });
    expect((await h.app.inject({ method: 'POST', url: '/api/identity/reviews/no-such-review/decision', headers: admin.headers, payload: { decision: 'different' } })).statusCode).toBe(404);
    const bad = await h.app.inject({ method: 'POST', url: `/api/identity/reviews/${reviewId}/decision`, headers: admin.headers, payload: { decision: 'maybe', extra: 1 } });
    expect(bad.statusCode).toBe(400);
    const outsider = await createPatient(h.system(), aPatient());
    const wrong = await h.app.inject({ method: 'POST', url: `/api/identity/reviews/${reviewId}/decision`, headers: admin.headers, payload: { decision: 'merge', survivorId: outsider.id } });
    expect(wrong.statusCode).toBe(400);
    expect(Problem.parse(wrong.json())).toMatchObject({ code: 'identity.survivor_not_in_review' });
    // Nothing was written half-way: the review is still open, both files active.
    expect(ReviewDetail.parse((await h.app.inject({ method: 'GET', url: `/api/identity/reviews/${reviewId}`, headers: admin.headers })).json()).status).toBe('open');
  });
});

describe('keeping the new file', () => {
  const decide = (reviewId: string, payload: object) => h.app.inject({ method: 'POST', url: `/api/identity/reviews/${reviewId}/decision`, headers: manager.headers, payload });
  const mergedInto = (id: string) => h.db.$client.prepare('SELECT active, merged_into_id AS m FROM patients WHERE id = ?').get(id);

  it('merges the existing file into the one the import made when the reviewer keeps the new one', async () => {
    const { reviewId, survivorId: existingId, duplicateId: newId } = await pairForReview();
    const reply = await decide(reviewId, { decision: 'merge', keep: 'new', note: '新档案信息更全' });
    expect(reply.statusCode, reply.body).toBe(200);
    const merge = MergeView.parse((await h.app.inject({ method: 'GET', url: `/api/identity/merges/${ReviewDetail.parse(reply.json()).mergeId}`, headers: admin.headers })).json());
    expect(merge).toMatchObject({ survivorId: newId, mergedId: existingId, origin: 'review', reason: '新档案信息更全' });
    expect(mergedInto(existingId)).toEqual({ active: 0, m: newId });
    expect(mergedInto(newId)).toEqual({ active: 1, m: null });
  });

  it('is what the review page’s “keep the new file” button asks for', async () => {
    const { reviewId, survivorId: existingId, duplicateId: newId } = await pairForReview();
    const reply = await h.app.inject({
      method: 'POST',
      url: `/app/identity/reviews/${reviewId}`,
      headers: { ...manager.headers, origin: 'http://localhost:80', 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ decision: 'merge-keep-new', note: '' }).toString(),
    });
    expect(reply.statusCode, reply.body).toBe(303);
    expect(mergedInto(existingId)).toEqual({ active: 0, m: newId });
    expect((h.db.$client.prepare('SELECT status FROM identity_reviews WHERE id = ?').get(reviewId) as { status: string }).status).toBe('merged');
  });

  it('refuses keep beside survivorId or on a decision other than merge, and leaves the pair open', async () => {
    const { reviewId, survivorId: existingId, duplicateId: newId } = await pairForReview();
    for (const [payload, code] of [
      [{ decision: 'merge', keep: 'new', survivorId: existingId }, 'conflicts'],
      [{ decision: 'link', keep: 'new' }, 'not_merge'],
      [{ decision: 'different', keep: 'existing' }, 'not_merge'],
    ] as const) {
      const reply = await decide(reviewId, payload);
      expect(reply.statusCode).toBe(400);
      expect(reply.headers['content-type']).toContain('application/problem+json');
      expect(Problem.parse(reply.json())).toMatchObject({ status: 400, code: 'identity.invalid_keep', errors: [{ field: 'keep', code }] });
    }
    expect((await decide(reviewId, { decision: 'merge', keep: 'sideways' })).statusCode).toBe(400);
    expect((h.db.$client.prepare('SELECT status FROM identity_reviews WHERE id = ?').get(reviewId) as { status: string }).status).toBe('open');
    for (const id of [existingId, newId]) expect(mergedInto(id)).toEqual({ active: 1, m: null });
    expect(count('SELECT count(*) AS n FROM patient_merges WHERE survivor_id IN (?, ?)', existingId, newId)).toBe(0);
  });
});

describe('merge and unmerge', () => {
  it('links a reviewed pair: everything pending follows her to the surviving file, the other file points there', async () => {
    const { reviewId, survivorId, duplicateId } = await pairForReview();
    const pending = await pendingOn(duplicateId);
    const duplicateMrn = (await file(duplicateId)).identifiers[0]!;

    const reply = await h.app.inject({ method: 'POST', url: `/api/identity/reviews/${reviewId}/decision`, headers: manager.headers, payload: { decision: 'link' } });
    expect(reply.statusCode, reply.body).toBe(200);
    const decided = ReviewDetail.parse(reply.json());
    expect(decided).toMatchObject({ status: 'linked', mergeId: expect.any(String) });

    expect(patientOf('encounters', pending.encounterId)).toBe(survivorId);
    expect(count('SELECT count(*) AS n FROM diagnoses WHERE encounter_id = ? AND patient_id = ?', pending.encounterId, survivorId)).toBe(1);
    expect(patientOf('messages', pending.messageId)).toBe(survivorId);
    expect(patientOf('questionnaire_invitations', pending.invitationId)).toBe(survivorId);
    expect(patientOf('care_reminders', pending.reminderId)).toBe(survivorId);
    const survivor = await file(survivorId);
    expect(survivor.identifiers).toContainEqual(duplicateMrn);
    expect(survivor.summary.visitCount).toBe(1);
    expect(await file(duplicateId)).toMatchObject({ active: false, mergedIntoId: survivorId, identifiers: [], summary: { visitCount: 0 } });

    const merge = MergeView.parse((await h.app.inject({ method: 'GET', url: `/api/identity/merges/${decided.mergeId}`, headers: admin.headers })).json());
    expect(merge).toMatchObject({ survivorId, mergedId: duplicateId, origin: 'review', status: 'active' });
    expect(merge.moved).toMatchObject({ 'patients.identifiers': 1, 'patients.encounters': 1, 'messaging.pending': 1, 'followup.invitations': 1, 'care.reminders': 1 });
    expect(count("SELECT count(*) AS n FROM audit_log WHERE action = 'patient.merge' AND entity_id = ?", merge.id)).toBe(1);
  });

  it('unmerges: both files as they were, what moved goes back, what arrived since stays', async () => {
    const { reviewId, survivorId, duplicateId } = await pairForReview();
    const pending = await pendingOn(duplicateId);
    const mergeId = ReviewDetail.parse((await h.app.inject({ method: 'POST', url: `/api/identity/reviews/${reviewId}/decision`, headers: admin.headers, payload: { decision: 'link' } })).json()).mergeId!;
    // After the merge a new SMS is queued for the survivor: it is hers, and stays with her.
    const later = inTransaction(h.deps, (tx) => enqueueMessage(tx, h.system(), { purpose: 'test', category: 'care', patientId: survivorId, template: 'messaging.opted-in', variables: {}, scheduledAt: h.clock.now(), dedupeKey: `later:${survivorId}` }));

    const reply = await h.app.inject({ method: 'POST', url: `/api/identity/patients/${duplicateId}/unmerge`, headers: admin.headers, payload: { reason: '不是同一人' } });
    expect(reply.statusCode, reply.body).toBe(200);
    expect(MergeView.parse(reply.json())).toMatchObject({ id: mergeId, status: 'undone' });
    for (const [table, id] of [['encounters', pending.encounterId], ['messages', pending.messageId], ['questionnaire_invitations', pending.invitationId], ['care_reminders', pending.reminderId]] as const) {
      expect(patientOf(table, id), table).toBe(duplicateId);
    }
    expect(patientOf('messages', later.id)).toBe(survivorId);
    const restored = await file(duplicateId);
    expect(restored).toMatchObject({ active: true, mergedIntoId: null, summary: { visitCount: 1 } });
    expect(restored.identifiers).toHaveLength(1);
    expect((await file(survivorId)).identifiers).not.toContainEqual(restored.identifiers[0]);

    const again = await h.app.inject({ method: 'POST', url: `/api/identity/merges/${mergeId}/undo`, headers: admin.headers, payload: {} });
    expect(again.statusCode).toBe(409);
    expect(Problem.parse(again.json())).toMatchObject({ code: 'identity.merge_undone' });
  });

  it('merges directly (admins only), with the survivor of their choice', async () => {
    const a = await createPatient(h.system(), aPatient({ name: '郑洁' }));
    const b = await createPatient(h.system(), aPatient({ name: '郑洁' }));
    expect((await h.app.inject({ method: 'POST', url: '/api/identity/merges', headers: manager.headers, payload: { survivorId: a.id, mergedId: b.id } })).statusCode).toBe(403);
    const reply = await h.app.inject({ method: 'POST', url: '/api/identity/merges', headers: admin.headers, payload: { survivorId: b.id, mergedId: a.id, reason: '重复建档' } });
    expect(reply.statusCode, reply.body).toBe(200);
    expect(MergeView.parse(reply.json())).toMatchObject({ survivorId: b.id, mergedId: a.id, origin: 'staff' });
    // The alias cannot take part in another merge until it is unmerged.
    const c = await createPatient(h.system(), aPatient());
    const blocked = await h.app.inject({ method: 'POST', url: '/api/identity/merges', headers: admin.headers, payload: { survivorId: c.id, mergedId: a.id } });
    expect(blocked.statusCode).toBe(409);
    expect(Problem.parse(blocked.json())).toMatchObject({ code: 'identity.merge_blocked' });
  });

  it('moves an open follow-up call and an open complaint to the survivor, and back on unmerge; closed work stays', async () => {
    const cardiology = await h.department('CARD', '心内科');
    const [survivor, duplicate] = await Promise.all([createPatient(h.system(), aPatient({ name: '钱芳' })), createPatient(h.system(), aPatient({ name: '钱芳' }))]);
    const task = inTransaction(h.deps, (tx) =>
      openCallTask(tx, h.system(), { patientId: duplicate.id, departmentId: cardiology, title: '出院随访', assigneeRole: 'nurse', dueAt: h.clock.now(), hours: { from: '09:00', to: '20:00' }, maxAttempts: 3 }),
    );
    const complaint = await createFeedback(h.system(), { kind: 'complaint', category: 'waiting_time', severity: 'medium', text: '候诊太久', patientId: duplicate.id, departmentId: cardiology, source: 'agent' });
    const ownerOf = (table: string, id: string) => (h.db.$client.prepare(`SELECT patient_id FROM ${table} WHERE id = ?`).get(id) as { patient_id: string }).patient_id;

    const merged = await h.app.inject({ method: 'POST', url: '/api/identity/merges', headers: admin.headers, payload: { survivorId: survivor.id, mergedId: duplicate.id, reason: '重复建档' } });
    expect(merged.statusCode, merged.body).toBe(200);
    expect([ownerOf('followup_tasks', task.id), ownerOf('feedback', complaint.id)]).toEqual([survivor.id, survivor.id]);

    const undone = await h.app.inject({ method: 'POST', url: `/api/identity/patients/${duplicate.id}/unmerge`, headers: admin.headers, payload: { reason: '不是同一人' } });
    expect(undone.statusCode, undone.body).toBe(200);
    expect([ownerOf('followup_tasks', task.id), ownerOf('feedback', complaint.id)]).toEqual([duplicate.id, duplicate.id]);
  });

  it('answers 404 for a merge that does not exist, to read or to undo', async () => {
    for (const [method, url] of [['GET', '/api/identity/merges/no-such-merge'], ['POST', '/api/identity/merges/no-such-merge/undo']] as const) {
      const reply = await h.app.inject({ method, url, headers: admin.headers, ...(method === 'POST' ? { payload: {} } : {}) });
      expect(reply.statusCode).toBe(404);
      expect(Problem.parse(reply.json()).code).toBe('identity.merge_not_found');
    }
  });

  it('refuses to merge a file into itself, to unmerge a file never merged, and unknown ids', async () => {
    const a = await createPatient(h.system(), aPatient());
    const self = await h.app.inject({ method: 'POST', url: '/api/identity/merges', headers: admin.headers, payload: { survivorId: a.id, mergedId: a.id } });
    expect(self.statusCode).toBe(400);
    expect(Problem.parse(self.json())).toMatchObject({ code: 'identity.self_merge' });
    const never = await h.app.inject({ method: 'POST', url: `/api/identity/patients/${a.id}/unmerge`, headers: admin.headers, payload: {} });
    expect(never.statusCode).toBe(409);
    expect(Problem.parse(never.json())).toMatchObject({ code: 'identity.not_merged' });
    expect((await h.app.inject({ method: 'POST', url: '/api/identity/patients/nobody/unmerge', headers: admin.headers, payload: {} })).statusCode).toBe(404);
    expect((await h.app.inject({ method: 'POST', url: '/api/identity/merges', headers: admin.headers, payload: { survivorId: a.id, mergedId: 'nobody' } })).statusCode).toBe(404);
    expect((await h.app.inject({ method: 'POST', url: '/api/identity/merges/nothing/undo', headers: admin.headers, payload: {} })).statusCode).toBe(404);
    expect((await h.app.inject({ method: 'GET', url: '/api/identity/merges/nothing', headers: admin.headers })).statusCode).toBe(404);
    expect((await file(a.id)).active).toBe(true);
  });
});
