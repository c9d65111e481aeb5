import Fastify from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateDatabase, openDatabase } from '../../db/client.js';
import { buildApp, createDeps } from '../../src/app.js';
import { addDays, localDate, systemClock } from '../../src/lib/clock.js';
import { systemContext } from '../../src/lib/context.js';
import { inTransaction } from '../../src/lib/transaction.js';
import { createDoctor, createSession } from '../../src/modules/appointments/appointments.schedules.js';
import { insertNewPatient } from '../../src/modules/patients/patients.service.js';
import { createDepartment, createStaff } from '../../src/modules/staff/staff.service.js';
import { BENCH_SECRET } from './fixture.js';

/**
 * The server side of the booking benchmark: a fresh hospital with 1,000 slots of 2 places (10 doctors × 10 days ×
 * 10 slots) and 4,000 patients, the real application on loopback. Prints its URL, an agent's token, the slot and
 * patient ids; on SIGUSR2 prints the overbooked slots counted from the tables.
 */
const dir = mkdtempSync(join(tmpdir(), 'hcrm-booking-bench-'));
const db = openDatabase(join(dir, 'hcrm.db'));
migrateDatabase(db);
const deps = createDeps({ db, clock: systemClock, secretKey: BENCH_SECRET, timeZone: 'Asia/Shanghai' });
const ctx = systemContext(deps, 'bench');
const department = await createDepartment(ctx, { code: 'BOOK', nameZh: '心内科', nameEn: 'Cardiology' });
const today = localDate(new Date(), 'Asia/Shanghai');
const slotIds: string[] = [];
for (let d = 0; d < 10; d++) {
  const doctor = await createDoctor(ctx, { departmentId: department.id, name: `医生${d}`, title: 'attending', feeClass: 'general' });
  for (let day = 1; day <= 10; day++) {
    const session = await createSession(ctx, { doctorId: doctor.id, date: addDays(today, day), halfDay: 'morning', startTime: '08:00', endTime: '10:30', slotMinutes: 15, slotCapacity: 2, reserve: { web: 0, phone: 0, desk: 0 } });
    slotIds.push(...session.slots!.map((s) => s.id));
  }
}
const patientIds = inTransaction(deps, (tx) =>
  Array.from({ length: 4000 }, (_v, i) => insertNewPatient(tx, ctx, { name: '测试患者', gender: 'female', phone: `139${String(10000000 + i).slice(-8)}`, consent: [{ channel: 'sms', purpose: 'care', granted: true, method: 'written' }] })),
);
await createStaff(ctx, { username: 'bench.agent', displayName: '话务员', role: 'agent', departmentId: null, password: 'bench-password-long' });
const app = await buildApp({ deps, version: 'bench', logLevel: 'silent' });
// The baseline: one durable commit per request on the same connection, as cheap as a write can be.
db.$client.exec('CREATE TABLE bench_commits (id INTEGER PRIMARY KEY, at TEXT NOT NULL)');
const commit = db.$client.prepare('INSERT INTO bench_commits (at) VALUES (?)');
const bare = Fastify({ logger: false });
bare.post('/bare/commit', async () => {
  db.$client.transaction(() => commit.run(new Date().toISOString())).immediate();
  return { ok: true };
});
const bareUrl = await bare.listen({ host: '127.0.0.1', port: 0 });
const url = await app.listen({ host: '127.0.0.1', port: 0 });
const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'bench.agent', password: 'bench-password-long' } });
const token = (login.json() as { token: string }).token;
process.stdout.write(`${JSON.stringify({ url, bareUrl, token, slotIds, patientIds })}\n`);

process.on('SIGUSR2', () => {
  const counts = db.$client
    .prepare(
      `SELECT (SELECT count(*) FROM slots s WHERE (SELECT count(*) FROM appointments a WHERE a.slot_id = s.id AND a.status = 'booked') > s.capacity OR s.booked > s.capacity) AS overbooked,
              (SELECT count(*) FROM appointments WHERE status = 'booked') AS booked, (SELECT sum(capacity) FROM slots) AS places`,
    )
    .get();
  process.stdout.write(`${JSON.stringify(counts)}\n`);
});
process.on('SIGTERM', () => {
  void Promise.all([app.close(), bare.close()]).then(async () => {
    await deps.readAudit?.close();
    db.$client.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
});
