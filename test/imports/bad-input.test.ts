import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/lib/errors.js';
import { Problem } from '../../src/lib/problem.js';
import { importCsv } from '../../src/modules/imports/imports.verbs.js';
import { useTestHospital, type StaffSession } from '../helpers/app.js';

/*
 * What the import entry points answer to a file or request they cannot read: a problem+json naming what is wrong
 * and where, and nothing written (no file, no receipt, no quarantine row, no run report).
 */
const h = await useTestHospital();
let admin: StaffSession;
beforeAll(async () => {
  admin = await h.signIn('admin');
});

const HEADER = '病案号,姓名,性别,出生日期,身份证号,手机号,电子邮箱,省,市,区县,详细地址,职业,更新时间';
const GOOD = 'BAD-1,赵敏,女,1990-03-08,,13700001111,,广东省,广州市,天河区,体育西路1号,护士,2026-11-01 09:00:00';

function written() {
  const count = (table: string) => (h.db.$client.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  return { patients: count('patients'), receipts: count('import_receipts'), quarantine: count('import_quarantine'), runs: count('import_runs') };
}
async function sendCsv(body: string, mapping = 'his-patients') {
  return h.app.inject({ method: 'POST', url: `/api/imports/csv?source=his-bad&mapping=${mapping}`, headers: { ...admin.headers, 'content-type': 'text/csv' }, payload: body });
}
function problemOf(reply: { statusCode: number; json(): unknown }, status: number, code: string): Problem {
  expect(reply.statusCode).toBe(status);
  const problem = Problem.parse(reply.json());
  expect(problem.code).toBe(code);
  return problem;
}

describe('imports refuse what they cannot read, writing nothing', () => {
  it('imports.csv_header: a header without the mapping’s columns', async () => {
    const before = written();
    const problem = problemOf(await sendCsv(`病案号,名字\nBAD-0,赵敏\n`), 400, 'imports.csv_header');
    expect(problem.detail).toContain('CSV line 1');
    expect(problem.errors?.[0]).toMatchObject({ field: 'line 1', code: 'missing_column' });
    expect(written()).toEqual(before);
  });

  // An unclosed quote on one row is that row's problem (quarantined as csv.malformed, see csv-import.test.ts);
  // one that swallows the rest of the file (a "row" past a megabyte) means the file stopped being CSV.
  const swallowed = (mrn: string) => `${mrn},"赵敏,女,1990-03-08\n${`${GOOD}\n`.repeat(12_000)}`;

  it('imports.csv_malformed: a file that stops being CSV on its first row', async () => {
    const before = written();
    const problem = problemOf(await sendCsv(`${HEADER}\n${swallowed('BAD-2')}`), 400, 'imports.csv_malformed');
    expect(problem.detail).toMatch(/0 rows before it were imported/);
    expect(problem.errors?.[0]).toMatchObject({ field: 'body', code: 'malformed' });
    expect(written()).toEqual(before);
  });

  it('imports.csv_malformed after good rows: those rows are in, the answer says how many, nothing after', async () => {
    const before = written();
    const problem = problemOf(await sendCsv(`${HEADER}\n${GOOD}\n${swallowed('BAD-3')}`), 400, 'imports.csv_malformed');
    expect(problem.detail.slice(-120)).toMatch(/1 rows before it were imported/);
    expect(written()).toMatchObject({ patients: before.patients + 1, receipts: before.receipts + 1, quarantine: before.quarantine });
    expect(h.db.$client.prepare("SELECT count(*) AS n FROM patient_identifiers WHERE value = 'BAD-3'").get()).toEqual({ n: 0 });
  });

  it('imports.unknown_mapping: a mapping name the server has no file for', async () => {
    const before = written();
    const problem = problemOf(await sendCsv(`${HEADER}\n${GOOD}\n`, 'no-such-mapping'), 400, 'imports.unknown_mapping');
    expect(problem.errors?.[0]?.field).toBe('mapping');
    expect(written()).toEqual(before);
  });

  it('imports.invalid_mapping: a mapping file (from the CLI) that is not a valid mapping', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'hcrm-mapping-')), 'broken.json');
    writeFileSync(path, JSON.stringify({ columns: { name: 42 }, encoding: 'ebcdic' }));
    const before = written();
    const ctx = { ...h.system(), actor: { kind: 'import' as const, id: 'cli' } };
    const error = await importCsv(ctx, Readable.from([`${HEADER}\n${GOOD}\n`]), { source: 'his-bad', channel: 'cli', mapping: path }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('imports.invalid_mapping');
    expect((error as AppError).status).toBe(400);
    expect((error as AppError).errors.map((e) => e.field)).toEqual(expect.arrayContaining([expect.stringMatching(/^mapping\./)]));
    expect(written()).toEqual(before);
  });

  it.each(['retry', 'discard'])('imports.quarantine_not_found: %s of a record that is not in quarantine', async (verb) => {
    const before = written();
    const reply = await h.app.inject({
      method: 'POST',
      url: `/api/imports/quarantine/01900000-0000-7000-8000-000000000000/${verb}`,
      headers: admin.headers,
      ...(verb === 'retry' ? { payload: { raw: GOOD } } : {}),
    });
    problemOf(reply, 404, 'imports.quarantine_not_found');
    expect(written()).toEqual(before);
  });
});
