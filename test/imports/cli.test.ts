import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { adt } from './hl7-fixtures.js';

/* `npm run import` as an operator runs it: files on disk, a fresh database, a summary on stdout. */
const dir = mkdtempSync(join(tmpdir(), 'hcrm-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { ...process.env, HCRM_DB_PATH: join(dir, 'hcrm.db'), HCRM_SECRET_KEY: 'cli-test-secret-key-of-32-characters!!', HCRM_DEMO_SEED: 'false' };
const run = (...args: string[]) => spawnSync(join('node_modules', '.bin', 'tsx'), ['src/modules/imports/import-cli.ts', ...args], { env, encoding: 'utf8', timeout: 60_000 });

describe('the import CLI', () => {
  it('imports a GBK CSV with a mapping and prints a summary naming the quarantined line', () => {
    const file = join(dir, 'patients.csv');
    writeFileSync(file, iconv.encode('病案号,姓名,性别,出生日期,身份证号,手机号,电子邮箱,省,市,区县,详细地址,职业,更新时间\nCLI001,钱多多,男,1980-01-01,,13900000001,,,,,,,\nCLI002,孙,男,1980-13-01,,,,,,,,,\n', 'gbk'));
    const result = run('--format', 'csv', '--source', 'his', '--mapping', 'his-patients', '--encoding', 'gbk', file);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('received 2, created 1');
    expect(result.stdout).toContain('quarantined line 3');
    expect(result.stdout).toContain('出生日期');
  });

  it('imports HL7 files and, the second time, changes nothing', () => {
    const file = join(dir, 'feed.hl7');
    writeFileSync(file, adt({ event: 'A28', controlId: 'CLI-1', mrn: 'CLI-H1', residentId: null }));
    expect(run('--format', 'hl7', '--source', 'HIS', file).stdout).toContain('created 1');
    expect(run('--format', 'hl7', '--source', 'HIS', file).stdout).toContain('unchanged 1');
  });

  it('explains its usage when arguments are missing, and names a file it could not import', () => {
    expect(run('--format', 'xml').status).toBe(2);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"resourceType":');
    const result = run('--format', 'fhir', '--source', 'EMR', bad);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('bad.json: not imported: not valid JSON');
  });
});
