import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase } from '../../db/client.js';
import { buildApp, createDeps } from '../../src/app.js';
import { ManualClock } from '../../src/lib/clock.js';
import { systemContext } from '../../src/lib/context.js';
import type { SyncTimer } from '../../src/modules/audit/audit.reads.js';
import { createPatient } from '../../src/modules/patients/patients.service.js';
import { createStaff } from '../../src/modules/staff/staff.service.js';
import { TEST_NOW, TEST_PASSWORD } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';

/*
 * buildApp is handed its deps; whoever made them owns them. Closing an app leaves the read-audit journal to its
 * owner (main.ts closes it after the app), so a second app on the same deps keeps auditing reads with the same
 * sync window, and the owner's close is what forces the last rows to stable storage.
 */
const dir = mkdtempSync(join(tmpdir(), 'hcrm-deps-'));
const db = openDatabase(join(dir, 'hcrm.db'));
migrateDatabase(db);
afterAll(() => {
  db.$client.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A sync timer the test fires by hand; `cleared` tells which syncs a close took over. */
const syncs: { run: () => Promise<void>; cleared: boolean }[] = [];
const timer: SyncTimer = {
  set: (run) => (syncs.push({ run, cleared: false }), syncs.at(-1)),
  clear: (handle) => void ((handle as { cleared: boolean }).cleared = true),
};
const deps = createDeps({ db, clock: new ManualClock(TEST_NOW), secretKey: 'test-secret-key-of-at-least-32-characters', timeZone: 'Asia/Shanghai', readAudit: { syncWithinMs: 100, timer } });
const patient = await createPatient(systemContext(deps), aPatient());
await createStaff(systemContext(deps), { username: 'doctor.deps', displayName: '医生', role: 'doctor', departmentId: null, password: TEST_PASSWORD });

async function readFileWith(app: Awaited<ReturnType<typeof buildApp>>) {
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'doctor.deps', password: TEST_PASSWORD } });
  const token = (login.json() as { token: string }).token;
  const reply = await app.inject({ method: 'GET', url: `/api/patients/${patient.id}`, headers: { authorization: `Bearer ${token}` } });
  expect(reply.statusCode, reply.body).toBe(200);
}

describe('an app built on deps it was handed', () => {
  it('leaves their read-audit journal open when it closes: the owner closes it', async () => {
    const journal = deps.readAudit!;
    const first = await buildApp({ deps, version: 'test', logLevel: 'silent' });
    await readFileWith(first);
    await first.close();
    // The app did not close the journal: the row waits for its sync within the window, as while serving.
    expect(journal.status().durable).toBeLessThan(journal.status().committed);
    expect(syncs.filter((s) => !s.cleared)).toHaveLength(1);

    const second = await buildApp({ deps, version: 'test', logLevel: 'silent' });
    await readFileWith(second);
    await second.close();
    expect(journal.status().committed).toBe(2);

    await journal.close();
    expect(journal.status().durable).toBe(2);
    expect(syncs.every((s) => s.cleared)).toBe(true);
  });
});
