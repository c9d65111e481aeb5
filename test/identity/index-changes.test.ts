import { beforeAll, describe, expect, it } from 'vitest';
import { PatientIndex } from '../../src/modules/identity/patient-index.js';
import { ImportReport } from '../../src/modules/imports/imports.schemas.js';
import { inTransaction } from '../../src/lib/transaction.js';
import { useTestHospital, type StaffSession } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';

/*
 * identity_index_changes is how every patient index (one per service process) follows writes to the patients
 * table. Rows every reader has read are pruned; a row some reader has not read yet stays; a reader gone quiet for
 * a week stops holding rows back, and if it comes back it rebuilds instead of missing a change.
 */
const h = await useTestHospital();
let admin: StaffSession;
beforeAll(async () => {
  admin = await h.signIn('admin');
});

const HEADER = '病案号,姓名,性别,出生日期,身份证号,手机号,电子邮箱,省,市,区县,详细地址,职业,更新时间';
async function send(lines: string[]) {
  const reply = await h.app.inject({ method: 'POST', url: '/api/imports/csv?source=his-ic&mapping=his-patients', headers: { ...admin.headers, 'content-type': 'text/csv' }, payload: `${HEADER}\n${lines.join('\n')}\n` });
  expect(reply.statusCode, reply.body).toBe(200);
  return ImportReport.parse(reply.json());
}
const row = (mrn: string, name: string, birth: string, phone: string) => `${mrn},${name},女,${birth},,${phone},,北京市,北京市,朝阳区,建国路1号,,2026-11-20 10:00:00`;

const sqlite = () => h.db.$client;
const changeSeqs = () => (sqlite().prepare('SELECT seq FROM identity_index_changes ORDER BY seq').all() as { seq: number }[]).map((r) => r.seq);
const lastSeq = () => changeSeqs().at(-1)!;
const readers = () => sqlite().prepare('SELECT seq FROM identity_index_readers ORDER BY seq').all() as { seq: number }[];
/** A service process's index: caught up at the start of a transaction that writes (as an import's is). */
const catchUp = (index: PatientIndex) => inTransaction(h.deps, (tx) => index.current(tx, h.deps));
const DAY = 24 * 3600 * 1000;
let signIns = 0;
/** Moves the clock on by more than a reader's time to live; staff sign in again (their session ended). */
async function aWeekLater() {
  h.clock.advance(8 * DAY);
  admin = await h.signIn('admin', { username: `admin-ic-${++signIns}` });
}

describe('the change rows behind the patient index', () => {
  it('are pruned once every reader has read them, and kept while one has not', async () => {
    await send([row('IC-1', '韩梅', '1980-01-01', '13900000001'), row('IC-2', '韩雪', '1981-02-02', '13900000002')]);
    // The service's own index read those rows in the import; a week on, it has not been heard from.
    await aWeekLater();
    const a = new PatientIndex(h.deps.patientIndex.config, { pruneEvery: 1 });
    const b = new PatientIndex(h.deps.patientIndex.config, { pruneEvery: 1 });
    catchUp(a);
    // The only live reader has read everything: only the row at its position is left (it checks that row).
    expect(changeSeqs()).toEqual([lastSeq()]);
    catchUp(b);
    const bRead = lastSeq();

    // New writes (staff add a patient, through the import here). a reads them; b has not yet.
    await send([row('IC-3', '韩冰', '1982-03-03', '13900000003')]);
    const written = lastSeq();
    catchUp(a);
    expect(changeSeqs()[0]).toBe(bRead);
    expect(changeSeqs()).toContain(written);

    catchUp(b);
    const lowest = readers()[0]!.seq;
    expect(changeSeqs()[0]).toBe(lowest);
    expect(sqlite().prepare('SELECT count(*) AS n FROM identity_index_changes WHERE seq < ?').get(lowest)).toEqual({ n: 0 });
  });

  it('makes a reader that lapsed rebuild when it comes back, so it misses no file written meanwhile', async () => {
    const service = h.deps.patientIndex;
    const builds = service.builds;
    // The service's index was last heard from more than a week ago. Meanwhile staff register 韩露 at the desk
    // (and someone else after her), and another process's index reads those rows and prunes them.
    await aWeekLater();
    for (const p of [aPatient({ name: '韩露', gender: 'female', birthDate: '1983-04-04', residentId: null, phone: '13900000004', identifiers: [] }), aPatient({ identifiers: [] })]) {
      expect((await h.app.inject({ method: 'POST', url: '/api/patients', headers: admin.headers, payload: p })).statusCode).toBe(201);
    }
    catchUp(new PatientIndex(service.config, { pruneEvery: 1 }));
    expect(changeSeqs()).toEqual([lastSeq()]);

    // 韩露 from the HIS: the service's index must know her desk file (whose change row is gone) to link to it.
    const report = await send([row('IC-4', '韩露', '1983-04-04', '13900000004')]);
    expect(report).toMatchObject({ linked: 1, created: 0 });
    expect(service.builds).toBe(builds + 1);
  });
});
