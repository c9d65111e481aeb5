import { beforeAll, describe, expect, it } from 'vitest';
import { Problem } from '../../src/lib/problem.js';
import { ImportReport, QuarantinePage } from '../../src/modules/imports/imports.schemas.js';
import { PatientFile, PatientPage, TimelinePage } from '../../src/modules/patients/patients.schemas.js';
import { useTestHospital, type StaffSession } from '../helpers/app.js';
import { adt, oru, siu } from './hl7-fixtures.js';

/*
 * A HIS sends its day over HTTP: admissions, transfers, discharges, appointments and results for one patient,
 * then the same messages again. Everything lands once on one patient file; a bad message waits in quarantine.
 */
const h = await useTestHospital();
let admin: StaffSession;

beforeAll(async () => {
  admin = await h.signIn('admin');
  await h.department('CARD', '心内科');
  await h.department('ICU', '重症医学科');
});

async function send(body: string, contentType = 'application/hl7-v2') {
  const reply = await h.app.inject({ method: 'POST', url: '/api/imports/hl7?source=HIS', headers: { ...admin.headers, 'content-type': contentType }, payload: body });
  expect(reply.statusCode, reply.body).toBe(200);
  return ImportReport.parse(reply.json());
}

async function patientByMrn(mrn: string) {
  const found = PatientPage.parse((await h.app.inject({ method: 'GET', url: `/api/patients?q=${mrn}`, headers: admin.headers })).json());
  expect(found.items).toHaveLength(1);
  return PatientFile.parse((await h.app.inject({ method: 'GET', url: `/api/patients/${found.items[0]!.id}`, headers: admin.headers })).json());
}

const day = [
  adt({ event: 'A01', controlId: 'D1-1', extra: ['AL1|1|DA|PCN^青霉素|SV|皮疹', 'DG1|1||I10^原发性高血压^I10'] }),
  adt({ event: 'A02', controlId: 'D1-2', department: 'ICU' }),
  adt({ event: 'A03', controlId: 'D1-3', department: 'ICU', dischargeAt: '20261125100000+0800', extra: ['DG1|1||I21.9^急性心肌梗死^I10'] }),
  siu('S12', 'D1-4'),
  oru('D1-5'),
].join('\n');

describe('an HL7 day imported over HTTP', () => {
  it('creates the patient once and puts the visit, diagnoses, allergy, appointment and results on the file', async () => {
    const report = await send(day);
    expect(report).toMatchObject({ received: 5, created: 1, updated: 4, quarantined: 0 });
    const file = await patientByMrn('MRN0001');
    expect(file.identifiers).toEqual([{ system: 'HIS', value: 'MRN0001' }]);
    const visit = file.clinical?.encounters.find((e) => e.sourceId === 'V0001');
    expect(visit).toMatchObject({ status: 'finished', class: 'inpatient', endAt: '2026-11-25T02:00:00.000Z' });
    expect(visit?.diagnoses.map((d) => d.code).sort()).toEqual(['I10', 'I21.9']);
    expect(file.clinical?.allergies.map((a) => a.substance)).toEqual(['青霉素']);
    expect(file.clinical?.encounters.find((e) => e.sourceId === 'appointment/APT-1')?.status).toBe('planned');
    const timeline = (await h.app.inject({ method: 'GET', url: `/api/patients/${file.id}/timeline?kind=observation`, headers: admin.headers })).json() as { items: { detail: string }[] };
    expect(timeline.items.map((i) => i.detail)).toContain('空腹血糖 7.8 mmol/L (H)');
  });

  it('pages the results on the timeline newest first, without repeats, however many share a time', async () => {
    // Five more results: three taken at the same minute, so the page boundary falls between equal times.
    const more = [
      'MSH|^~\\&|LIS|HOSP|HCRM|HOSP|20261121100000+0800||ORU^R01^ORU_R01|ORU-PAGE|P|2.5.1',
      'PID|1||MRN0001^^^HIS^MR||张^三丰||19680412|M',
      'OBR|1||LAB-78|LIPID^血脂|||20261121073000+0800',
      ...['TC^总胆固醇', 'TG^甘油三酯', 'LDL^低密度脂蛋白'].map((code, i) => `OBX|${i + 1}|NM|${code}||${4 + i}|mmol/L|||||F|||20261121073000+0800`),
      'OBX|4|NM|HDL^高密度脂蛋白||1.1|mmol/L|||||F|||20261121080000+0800',
      'OBX|5|NM|UA^尿酸||400|umol/L|||||F|||20261121060000+0800',
    ].join('\r');
    expect(await send(more)).toMatchObject({ received: 1, quarantined: 0 });
    const file = await patientByMrn('MRN0001');
    const pages: { items: { id: string; at: string }[]; nextCursor: string | null }[] = [];
    let cursor: string | null = null;
    do {
      const url = `/api/patients/${file.id}/timeline?kind=observation&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = TimelinePage.parse((await h.app.inject({ method: 'GET', url, headers: admin.headers })).json());
      pages.push(page);
      cursor = page.nextCursor;
    } while (cursor !== null && pages.length < 10);
    const all = pages.flatMap((p) => p.items);
    const whole = TimelinePage.parse((await h.app.inject({ method: 'GET', url: `/api/patients/${file.id}/timeline?kind=observation&limit=100`, headers: admin.headers })).json()).items;
    expect(whole.length).toBe(7);
    expect(all.map((i) => i.id)).toEqual(whole.map((i) => i.id));
    expect(pages.every((p) => p.items.length <= 2)).toBe(true);
    expect(all.map((i) => i.at)).toEqual([...all.map((i) => i.at)].sort().reverse());
  });

  it('changes nothing when the same messages come again (source + MSH-10)', async () => {
    const before = await patientByMrn('MRN0001');
    const report = await send(day.replaceAll('\n', '\r\n'), 'text/plain');
    expect(report).toMatchObject({ received: 5, unchanged: 5, created: 0, updated: 0 });
    expect(await patientByMrn('MRN0001')).toEqual(before);
  });

  it('cancels an appointment with SIU^S15 and a discharge with ADT^A13', async () => {
    await send([siu('S15', 'D2-1'), adt({ event: 'A13', controlId: 'D2-2', department: 'ICU' })].join('\r'));
    const file = await patientByMrn('MRN0001');
    expect(file.clinical?.encounters.find((e) => e.sourceId === 'appointment/APT-1')?.status).toBe('cancelled');
    expect(file.clinical?.encounters.find((e) => e.sourceId === 'V0001')).toMatchObject({ status: 'in-progress', endAt: null });
  });

  it('links a record from another system to the same person by resident ID', async () => {
    const report = await send(adt({ event: 'A28', controlId: 'EMR-1', mrn: 'EMR777' }).replace('^^^HIS^MR', '^^^EMR^PI'));
    expect(report).toMatchObject({ linked: 1, created: 0 });
    expect((await patientByMrn('MRN0001')).identifiers).toContainEqual({ system: 'EMR', value: 'EMR777' });
  });

  it('applies A47: the identifier on file is changed', async () => {
    const report = await send(adt({ event: 'A47', controlId: 'CH-1', mrn: 'EMR778', residentId: null, extra: ['MRG|EMR777^^^EMR^PI'] }).replace('EMR778^^^HIS^MR', 'EMR778^^^EMR^PI'));
    expect(report).toMatchObject({ updated: 1 });
    expect((await patientByMrn('MRN0001')).identifiers).toContainEqual({ system: 'EMR', value: 'EMR778' });
  });

  it('applies A40 through the patient merge: the retired file becomes an alias of the survivor, and a re-send changes nothing', async () => {
    // A second registration of the same man, made at the desk under another MRN.
    const created = await h.app.inject({ method: 'POST', url: '/api/patients', headers: admin.headers, payload: { name: '张三丰', gender: 'male', birthDate: '1968-04-12', identifiers: [{ system: 'HIS', value: 'MRN0999' }] } });
    expect(created.statusCode, created.body).toBe(201);
    const duplicateId = PatientFile.parse(created.json()).id;
    const message = adt({ event: 'A40', controlId: 'MG-1', extra: ['MRG|MRN0999^^^HIS^MR'] });
    expect(await send(message)).toMatchObject({ updated: 1, quarantined: 0 });
    const survivor = await patientByMrn('MRN0001');
    expect(survivor.identifiers).toContainEqual({ system: 'HIS', value: 'MRN0999' });
    const alias = PatientFile.parse((await h.app.inject({ method: 'GET', url: `/api/patients/${duplicateId}`, headers: admin.headers })).json());
    expect(alias).toMatchObject({ active: false, mergedIntoId: survivor.id, deactivationReason: 'merged' });
    expect(await send(message)).toMatchObject({ unchanged: 1, updated: 0 });
  });
});

describe('bad messages in a batch', () => {
  it('quarantines each with position and reason, keeps it verbatim, and imports the rest', async () => {
    const hostile = adt({ event: 'A28', controlId: 'BAD-2', mrn: "X'); DROP TABLE patients;--", birth: '<script>' });
    const report = await send([adt({ event: 'A28', controlId: 'OK-1', mrn: 'MRN2001', residentId: null }), hostile, adt({ event: 'A01', controlId: 'BAD-3', mrn: 'MRN2003', residentId: null, department: 'NOPE', visit: 'V2003' }), adt({ event: 'A28', controlId: 'OK-4', mrn: 'MRN2004', residentId: null, name: '李^四' })].join('\r'));
    expect(report).toMatchObject({ received: 4, quarantined: 2 });
    // The two good ones go in; both resemble 张三丰 already on file (same phone, birth date, address), so the
    // index links or pairs them for review instead of creating strangers.
    expect(report.created + report.linked + report.review).toBe(2);
    expect(report.problems.map((p) => [p.position, p.code])).toEqual([
      ['message 2', 'hl7.bad_date'],
      ['message 3', 'imports.unknown_department'],
    ]);
    expect(report.problems[1]?.reason).toContain('NOPE');
    const list = QuarantinePage.parse((await h.app.inject({ method: 'GET', url: '/api/imports/quarantine?status=open&source=HIS', headers: admin.headers })).json());
    expect(list.items.find((q) => q.position === 'message 2')?.raw.trim()).toBe(hostile.trim());
    // The record that failed half-way (patient resolved, then an unknown department) left no patient behind.
    expect(PatientPage.parse((await h.app.inject({ method: 'GET', url: '/api/patients?q=MRN2003', headers: admin.headers })).json()).items).toEqual([]);
  });

  it('retries a quarantined message once it is corrected, and refuses a correction that is still wrong', async () => {
    const list = QuarantinePage.parse((await h.app.inject({ method: 'GET', url: '/api/imports/quarantine?status=open', headers: admin.headers })).json());
    const item = list.items.find((q) => q.code === 'imports.unknown_department')!;
    const still = await h.app.inject({ method: 'POST', url: `/api/imports/quarantine/${item.id}/retry`, headers: admin.headers, payload: { raw: item.raw } });
    expect(still.statusCode).toBe(422);
    expect(Problem.parse(still.json()).detail).toContain('NOPE');
    const fixed = await h.app.inject({ method: 'POST', url: `/api/imports/quarantine/${item.id}/retry`, headers: admin.headers, payload: { raw: item.raw.replaceAll('NOPE', 'CARD') } });
    expect(fixed.statusCode, fixed.body).toBe(200);
    const retried = ImportReport.parse(fixed.json());
    expect(retried).toMatchObject({ quarantined: 0, received: 1 });
    expect(retried.created + retried.linked).toBe(1);
    const after = QuarantinePage.parse((await h.app.inject({ method: 'GET', url: '/api/imports/quarantine?status=retried', headers: admin.headers })).json());
    expect(after.items.map((q) => q.id)).toContain(item.id);
  });

  it('discards a quarantined message', async () => {
    const list = QuarantinePage.parse((await h.app.inject({ method: 'GET', url: '/api/imports/quarantine?status=open', headers: admin.headers })).json());
    const id = list.items[0]!.id;
    expect((await h.app.inject({ method: 'POST', url: `/api/imports/quarantine/${id}/discard`, headers: admin.headers })).json()).toMatchObject({ status: 'discarded' });
    expect((await h.app.inject({ method: 'POST', url: `/api/imports/quarantine/${id}/discard`, headers: admin.headers })).statusCode).toBe(404);
  });

  it('refuses a body that is not HL7 text, and one too large', async () => {
    const json = await h.app.inject({ method: 'POST', url: '/api/imports/hl7', headers: admin.headers, payload: { a: 1 } });
    expect(json.statusCode).toBe(415);
    expect(Problem.parse(json.json()).code).toBe('request.unsupported_media_type');
    const huge = await h.app.inject({ method: 'POST', url: '/api/imports/hl7', headers: { ...admin.headers, 'content-type': 'text/plain' }, payload: Buffer.alloc(65 * 1024 * 1024, 65) });
    expect(huge.statusCode).toBe(413);
    expect(Problem.parse(huge.json()).code).toBe('request.too_large');
  });

  it('audits each change an import makes', () => {
    const rows = h.db.$client.prepare("SELECT action, actor_kind AS actorKind FROM audit_log WHERE action LIKE 'patient.import.%'").all() as { action: string }[];
    expect(rows.map((r) => r.action)).toEqual(expect.arrayContaining(['patient.import.created', 'patient.import.updated', 'patient.import.linked']));
  });
});
