import iconv from 'iconv-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import { Problem } from '../../src/lib/problem.js';
import { ImportReport, QuarantinePage } from '../../src/modules/imports/imports.schemas.js';
import { PatientFile, PatientPage } from '../../src/modules/patients/patients.schemas.js';
import { useTestHospital, type StaffSession } from '../helpers/app.js';
import { residentIdFor } from '../helpers/factories.js';

/*
 * A HIS exports its patient list as CSV with Chinese headers (mapping his-patients.json). The same file arrives in
 * UTF-8, UTF-8 with a BOM, GBK and GB18030; bad rows wait in quarantine; staff-entered contacts are never lost.
 */
const h = await useTestHospital();
let admin: StaffSession;
beforeAll(async () => {
  admin = await h.signIn('admin');
});

const HEADER = '病案号,姓名,性别,出生日期,身份证号,手机号,电子邮箱,省,市,区县,详细地址,职业,更新时间';
const row = (mrn: string, o: { name?: string; phone?: string; email?: string; updated?: string; rid?: string; birth?: string } = {}) =>
  [mrn, o.name ?? '赵敏', '女', o.birth ?? '1990-03-08', o.rid ?? residentIdFor('1990-03-08', 'female', '440106', Number(mrn.replace(/\D/g, '')) % 90), o.phone ?? '13700001111', o.email ?? '', '广东省', '广州市', '天河区', '"体育西路1号, 3楼"', '护士', o.updated ?? '2026-11-01 09:00:00'].join(',');

async function send(body: string | Buffer, query = '', headers: Record<string, string> = {}) {
  return h.app.inject({ method: 'POST', url: `/api/imports/csv?source=his-csv&mapping=his-patients${query}`, headers: { ...admin.headers, 'content-type': 'text/csv', ...headers }, payload: body });
}
async function file(mrn: string) {
  const page = PatientPage.parse((await h.app.inject({ method: 'GET', url: `/api/patients?q=${mrn}`, headers: admin.headers })).json());
  return PatientFile.parse((await h.app.inject({ method: 'GET', url: `/api/patients/${page.items[0]!.id}`, headers: admin.headers })).json());
}

describe('CSV encodings', () => {
  it.each([
    ['UTF-8', (s: string) => Buffer.from(s, 'utf8'), '', '01'],
    ['UTF-8 with a BOM', (s: string) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(s, 'utf8')]), '', '02'],
    ['GBK', (s: string) => iconv.encode(s, 'gbk'), '&encoding=gbk', '03'],
    ['GB18030', (s: string) => iconv.encode(s, 'gb18030'), '&encoding=gb18030', '04'],
  ])('imports %s with Chinese headers and names', async (_name, encode, query, n) => {
    const reply = await send(encode(`${HEADER}\r\n${row(`CSV10${n}`, { name: '欧阳娜娜' })}\r\n`), query);
    expect(reply.statusCode, reply.body).toBe(200);
    expect(ImportReport.parse(reply.json())).toMatchObject({ received: 1, created: 1 });
    expect(await file(`CSV10${n}`)).toMatchObject({ name: '欧阳娜娜', birthDate: '1990-03-08', address: { detail: '体育西路1号, 3楼' }, occupation: '护士' });
  });
});

describe('CSV rows', () => {
  it('quarantines bad rows by line with the column named, imports the others, and re-import changes nothing', async () => {
    const body = [HEADER, row('CSV2001'), row('CSV2002', { rid: '440106199003081234' }), row('CSV2003', { birth: '1990-02-30' }), row('CSV2004', { name: "<script>alert('x')</script>" })].join('\n');
    const report = ImportReport.parse((await send(body)).json());
    expect(report).toMatchObject({ received: 4, created: 2, quarantined: 2 });
    expect(report.problems.map((p) => p.position)).toEqual(['line 3', 'line 4']);
    expect(report.problems[1]?.reason).toContain('出生日期');
    expect((await file('CSV2004')).name).toBe("<script>alert('x')</script>");
    const again = ImportReport.parse((await send(body)).json());
    expect(again).toMatchObject({ received: 4, unchanged: 2, quarantined: 2 });
  });

  it('retries one corrected row against the header it came with', async () => {
    const list = QuarantinePage.parse((await h.app.inject({ method: 'GET', url: '/api/imports/quarantine?format=csv&status=open', headers: admin.headers })).json());
    const item = list.items.find((q) => q.raw.startsWith('CSV2003'))!;
    const reply = await h.app.inject({ method: 'POST', url: `/api/imports/quarantine/${item.id}/retry`, headers: admin.headers, payload: { raw: item.raw.replace('1990-02-30', '1990-03-08') } });
    expect(reply.statusCode, reply.body).toBe(200);
    expect((await file('CSV2003')).birthDate).toBe('1990-03-08');
  });

  it('refuses a file whose header lacks a mapped column, naming it, and writes nothing', async () => {
    const reply = await send(`病案号,姓名\nCSV3001,张三\n`);
    expect(reply.statusCode).toBe(400);
    expect(Problem.parse(reply.json()).detail).toContain('"性别" (gender)');
    expect(PatientPage.parse((await h.app.inject({ method: 'GET', url: '/api/patients?q=CSV3001', headers: admin.headers })).json()).items).toEqual([]);
  });

  it('quarantines a row that is not CSV (an unclosed quote) and keeps the rows around it', async () => {
    const reply = await send(`${HEADER}\n${row('CSV4001')}\n"CSV4002,unclosed\n`);
    expect(reply.statusCode, reply.body).toBe(200);
    expect(ImportReport.parse(reply.json())).toMatchObject({ created: 1, quarantined: 1, problems: [{ code: 'csv.malformed', position: 'line 3' }] });
    expect((await file('CSV4001')).name).toBe('赵敏');
  });

  it('refuses an unknown mapping name and a path given as a mapping', async () => {
    expect((await h.app.inject({ method: 'POST', url: '/api/imports/csv?source=x&mapping=nope', headers: { ...admin.headers, 'content-type': 'text/csv' }, payload: HEADER })).statusCode).toBe(400);
    expect((await h.app.inject({ method: 'POST', url: '/api/imports/csv?source=x&mapping=../../etc/passwd', headers: { ...admin.headers, 'content-type': 'text/csv' }, payload: HEADER })).statusCode).toBe(400);
  });
});

describe('field provenance', () => {
  it('never lets an older feed overwrite what staff entered, never lets a blank erase, and lets a newer feed win', async () => {
    await send(`${HEADER}\n${row('CSV5001', { phone: '13700005001', email: 'old@example.cn', updated: '2026-11-01 09:00:00' })}\n`);
    const before = await file('CSV5001');
    // Staff correct the phone on 2026-11-23 (the test clock).
    const patch = await h.app.inject({ method: 'PATCH', url: `/api/patients/${before.id}`, headers: admin.headers, payload: { version: before.version, phone: '13600006001' } });
    expect(patch.statusCode, patch.body).toBe(200);

    // The HIS re-sends its record as of 2026-11-20 with the old phone and no e-mail: nothing changes.
    const older = ImportReport.parse((await send(`${HEADER}\n${row('CSV5001', { phone: '13700005001', email: '', updated: '2026-11-20 09:00:00', name: '赵敏' })}\n`)).json());
    expect(older).toMatchObject({ unchanged: 1 });
    expect(await file('CSV5001')).toMatchObject({ phone: '+8613600006001', email: 'old@example.cn' });

    // A record stated after the staff change wins.
    const newer = ImportReport.parse((await send(`${HEADER}\n${row('CSV5001', { phone: '13500007001', updated: '2026-11-24 09:00:00' })}\n`)).json());
    expect(newer).toMatchObject({ updated: 1 });
    expect(await file('CSV5001')).toMatchObject({ phone: '+8613500007001', email: 'old@example.cn' });
  });

  it('remembers each field\'s source and time', async () => {
    const id = (await file('CSV5001')).id;
    const rows = h.db.$client.prepare('SELECT field, source, asserted_at AS at FROM patient_field_sources WHERE patient_id = ? ORDER BY field').all(id) as { field: string; source: string; at: string }[];
    expect(rows.find((r) => r.field === 'phone')).toEqual({ field: 'phone', source: 'import:his-csv', at: '2026-11-24T01:00:00.000Z' });
    expect(rows.find((r) => r.field === 'email')).toMatchObject({ source: 'import:his-csv', at: '2026-11-01T01:00:00.000Z' });
  });
});
