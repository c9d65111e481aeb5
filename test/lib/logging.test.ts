import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase } from '../../db/client.js';
import { buildApp, createDeps } from '../../src/app.js';
import { ManualClock } from '../../src/lib/clock.js';
import { systemContext } from '../../src/lib/context.js';
import { createPatient } from '../../src/modules/patients/patients.service.js';
import { createStaff } from '../../src/modules/staff/staff.service.js';
import { TEST_NOW, TEST_PASSWORD } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';

describe('request logs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hcrm-log-'));
  const db = openDatabase(join(dir, 'hcrm.db'));
  migrateDatabase(db);
  const lines: string[] = [];
  afterAll(() => {
    db.$client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('carry the request id and route but no names, phone numbers, ID numbers, passwords or tokens', async () => {
    const deps = createDeps({ db, clock: new ManualClock(TEST_NOW), secretKey: 'test-secret-key-of-at-least-32-characters', timeZone: 'Asia/Shanghai' });
    const app = await buildApp({ deps, version: 'test', logLevel: 'info', logStream: { write: (line) => void lines.push(line) } });
    const patient = aPatient({ name: '欧阳娜娜', phone: '13912345678' });
    await createPatient(systemContext(deps), patient);
    await createStaff(systemContext(deps), { username: 'nurse.log', displayName: '护士', role: 'nurse', departmentId: null, password: TEST_PASSWORD });
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'nurse.log', password: TEST_PASSWORD } });
    const token = (login.json() as { token: string }).token;
    for (const q of ['欧阳娜娜', 'oyny', '13912345678', patient.residentId!]) {
      await app.inject({ method: 'GET', url: `/api/patients?q=${encodeURIComponent(q)}`, headers: { authorization: `Bearer ${token}`, 'x-request-id': 'trace-me-12345' } });
    }
    await app.close();
    await deps.readAudit?.close();

    const log = lines.join('');
    expect(log).toContain('trace-me-12345');
    expect(log).toContain('/api/patients');
    for (const secret of ['欧阳娜娜', 'oyny', '13912345678', '5678', patient.residentId!, TEST_PASSWORD, token]) {
      expect(log).not.toContain(secret);
    }
  });
});
