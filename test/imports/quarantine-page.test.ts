import { beforeAll, describe, expect, it } from 'vitest';
import { importHl7 } from '../../src/modules/imports/imports.verbs.js';
import { useTestHospital, type StaffSession } from '../helpers/app.js';
import { adt } from './hl7-fixtures.js';

/* An interface administrator works the quarantine from the staff pages: sees why, corrects, retries, discards. */
const h = await useTestHospital();
let admin: StaffSession;
let ids: string[];

beforeAll(async () => {
  admin = await h.signIn('admin');
  await h.department('CARD', '心内科');
  const bad = [1, 2].map((i) => adt({ event: 'A01', controlId: `PG-${i}`, mrn: `PG${i}`, residentId: null, visit: `PGV${i}`, department: 'NOPE', name: '<script>alert(1)</script>^x' }));
  const report = await importHl7(h.system(), Buffer.from(bad.join('\r')), { source: 'HIS', channel: 'http' });
  ids = report.problems.map((p) => p.quarantineId!);
});

describe('the quarantine page', () => {
  it('lists open records with reason and raw content, escaped, in Chinese by default and in English', async () => {
    const page = await h.app.inject({ method: 'GET', url: '/app/imports/quarantine', headers: admin.headers });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('导入隔离区');
    expect(page.body).toContain('imports.unknown_department');
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.body).not.toContain('<script>alert(1)</script>');
    const en = await h.app.inject({ method: 'GET', url: '/app/imports/quarantine?lang=en', headers: { ...admin.headers, 'accept-language': 'en' } });
    expect(en.body).toMatch(/Import quarantine|导入隔离区/);
  });

  it('retries a corrected record and discards another', async () => {
    const origin = { origin: 'http://localhost:80', host: 'localhost:80' };
    const raw = adt({ event: 'A01', controlId: 'PG-1', mrn: 'PG1', residentId: null, visit: 'PGV1', department: 'CARD' });
    const retry = await h.app.inject({ method: 'POST', url: `/app/imports/quarantine/${ids[0]}`, headers: { ...admin.headers, ...origin }, payload: { action: 'retry', raw } });
    expect(retry.statusCode, retry.body).toBe(303);
    expect(retry.headers.location).toContain('notice=retried');
    const discard = await h.app.inject({ method: 'POST', url: `/app/imports/quarantine/${ids[1]}`, headers: { ...admin.headers, ...origin }, payload: { action: 'discard' } });
    expect(discard.headers.location).toContain('notice=discarded');
    const open = await h.app.inject({ method: 'GET', url: '/app/imports/quarantine?status=open', headers: admin.headers });
    expect(open.body).not.toContain('imports.unknown_department');
  });

  it('is refused to a nurse', async () => {
    const nurse = await h.signIn('nurse');
    expect((await h.app.inject({ method: 'GET', url: '/app/imports/quarantine', headers: nurse.headers })).statusCode).toBe(403);
  });
});
