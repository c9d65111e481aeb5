import { describe, expect, it } from 'vitest';
import { LookupResult } from '../../src/modules/consultations/consultations.schemas.js';
import { inTransaction } from '../../src/lib/transaction.js';
import { openCallTask } from '../../src/modules/followup/worklist/tasks.js';
import { addEncounter, createPatient } from '../../src/modules/patients/patients.service.js';
import { useTestHospital } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';

const h = await useTestHospital();
const agent = await h.signIn('agent');
const department = await h.department('CARD', '心内科');
const patient = await createPatient(h.system(), aPatient({ name: '王秀兰', phone: '13812345678', pastHistory: '高血压十年' }));
await addEncounter(h.system(), patient.id, { class: 'outpatient', status: 'finished', departmentId: department, startAt: '2026-11-01T01:00:00Z', chargesCents: 0, diagnoses: [{ code: 'I10', text: '原发性高血压', primary: true }], procedures: [] });
const landline = await createPatient(h.system(), aPatient({ name: '赵大伟', phone: '010-88886666' }));

const lookup = async (phone: string) => h.app.inject({ method: 'GET', url: `/api/consultations/lookup?phone=${encodeURIComponent(phone)}`, headers: agent.headers });

describe('caller lookup', () => {
  it.each(['13812345678', '+86 138 1234 5678', '+86-138-1234-5678', '(+86) 138 1234 5678', '0086 13812345678'])('finds the caller from %s in one step', async (phone) => {
    const reply = await lookup(phone);
    expect(reply.statusCode, reply.body).toBe(200);
    const result = LookupResult.parse(reply.json());
    expect(result.phone).toBe('+8613812345678');
    expect(result.matches.map((m) => m.patientId)).toEqual([patient.id]);
  });

  it('finds a landline caller with the area code written any way', async () => {
    for (const phone of ['010-88886666', '(010) 8888 6666', '+86 10 8888 6666']) {
      const result = LookupResult.parse((await lookup(phone)).json());
      expect(result.kind).toBe('landline');
      expect(result.matches.map((m) => m.patientId)).toEqual([landline.id]);
    }
  });

  it('shows the card: name, age, masked resident ID, consent, sections; never clinical notes', async () => {
    const reply = await lookup('13812345678');
    const [card] = LookupResult.parse(reply.json()).matches;
    expect(card).toMatchObject({ name: '王秀兰', age: 58, residentId: expect.stringMatching(/^110105\*{8}\d{3}[\dX]$/) });
    expect(card!.consent).toContainEqual({ channel: 'sms', purpose: 'care', granted: true });
    expect(card!.sections.map((s) => s.key)).toEqual(expect.arrayContaining(['complaints', 'contacts', 'callbacks', 'followup-tasks', 'appointments']));
    expect(card!.actions).toContainEqual(expect.objectContaining({ key: 'book', href: `/app/appointments?patientId=${patient.id}` }));
    expect(reply.body).not.toContain('高血压十年');
    expect(reply.body).not.toContain('原发性高血压');
  });

  it('shows the follow-up calls a nurse has yet to make, flagging an overdue one', async () => {
    const due = new Date('2026-11-25T01:00:00Z');
    inTransaction(h.deps, (tx) =>
      openCallTask(tx, h.system(), { patientId: patient.id, departmentId: department, title: '出院后电话随访', assigneeRole: 'nurse', dueAt: due, hours: { from: '09:00', to: '20:00' }, maxAttempts: 3 }),
    );
    const [card] = LookupResult.parse((await lookup('13812345678')).json()).matches;
    expect(card!.sections.find((s) => s.key === 'followup-tasks')?.items).toEqual([
      expect.objectContaining({ text: '出院后电话随访', at: due.toISOString(), flagged: false }),
    ]);
  });

  it('answers an unknown number with no matches, and a malformed one with a 400 naming the field', async () => {
    expect(LookupResult.parse((await lookup('13900001234')).json()).matches).toEqual([]);
    const bad = await lookup('12-abc');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'consultations.bad_phone', errors: [{ field: 'phone' }] });
  });

  it('audits the lookup without the number itself', async () => {
    await lookup('13812345678');
    await h.deps.readAudit!.settled();
    const row = h.db.$client.prepare("SELECT detail FROM audit_log WHERE action = 'consultation.lookup' ORDER BY seq DESC LIMIT 1").get() as { detail: string };
    expect(row.detail).toContain(patient.id);
    expect(row.detail).not.toContain('13812345678');
  });
});
