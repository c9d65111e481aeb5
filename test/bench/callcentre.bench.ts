import type { ServiceContext } from '../../src/lib/context.js';
import { lookupCaller } from '../../src/modules/consultations/lookup.service.js';
import { feedbackInbox } from '../../src/modules/feedback/feedback.service.js';
import { cachedBenchDatabase } from './fixture.js';
import { emit, note, percentile, timeEach, timeEachAsync } from './report.js';

const SAMPLES = 2000;
const DEPARTMENTS = 40;

/**
 * The call centre at scale: BENCH_PATIENTS patients (default 1,000,000) with BENCH_CONTACTS contacts (default
 * 5,000,000) and a feedback case per 20 patients, written with raw inserts (the demo generator would take an hour
 * for the contacts). Figures: the caller lookup (screen-pop) through the service verb, card and audit included,
 * against the bare phone-index query; a manager's feedback inbox against the bare inbox query.
 */
export async function run(): Promise<void> {
  const patients = Number(process.env.BENCH_PATIENTS ?? 1_000_000);
  const contactCount = Number(process.env.BENCH_CONTACTS ?? 5_000_000);
  const { db, deps } = await cachedBenchDatabase(
    `callcentre-v1-${patients}-${contactCount}`,
    async (buildDeps) => {
      const sqlite = buildDeps.db.$client;
      note(`generating ${patients} patients, ${contactCount} contacts, ${patients / 20} feedback cases`);
      const now = '2026-11-23T02:00:00.000Z';
      sqlite.exec(`INSERT INTO departments (id, code, name_zh, name_en, active, created_at) VALUES ${Array.from({ length: DEPARTMENTS }, (_, d) => `('dept-${d}', 'D${d}', '科室${d}', 'Dept ${d}', 1, '${now}')`).join(',')}`);
      sqlite.exec(`INSERT INTO staff (id, username, display_name, role, department_id, password_hash, created_at, updated_at) VALUES ${Array.from({ length: DEPARTMENTS }, (_, d) => `('mgr-${d}', 'mgr${d}', '主任${d}', 'manager', 'dept-${d}', 'x', '${now}', '${now}')`).join(',')}, ('agent-0', 'agent0', '坐席', 'agent', NULL, 'x', '${now}', '${now}')`);
      const insertPatient = sqlite.prepare(
        `INSERT INTO patients (id, name, name_pinyin, name_initials, gender, birth_date, phone, phone_last4, emergency_contacts, tags, created_at, updated_at)
         VALUES (?, '王秀英', 'wangxiuying', 'wxy', 'female', '1960-05-01', ?, ?, '[]', '[]', ?, ?)`,
      );
      const insertContact = sqlite.prepare(`INSERT INTO contacts (id, patient_id, kind, staff_id, at, outcome, summary, created_at) VALUES (?, ?, 'call_in', 'agent-0', ?, 'reached', '咨询', ?)`);
      const insertFeedback = sqlite.prepare(
        `INSERT INTO feedback (id, kind, source, patient_id, category, department_id, severity, text, status, deadline_at, created_at, updated_at)
         VALUES (?, 'complaint', 'agent', ?, 'waiting_time', ?, 'medium', '候诊时间长', ?, ?, ?, ?)`,
      );
      const pid = (i: number) => `p-${String(i).padStart(8, '0')}`;
      const batch = sqlite.transaction((from: number, to: number) => {
        for (let i = from; i < to; i++) {
          const phone = `+86139${String(i).padStart(8, '0')}`;
          insertPatient.run(pid(i), phone, phone.slice(-4), now, now);
          if (i % 20 === 0) {
            const status = ['open', 'assigned', 'in_progress', 'resolved', 'closed'][i % 5]!;
            const at = new Date(Date.parse(now) - (i % 1000) * 3_600_000).toISOString();
            insertFeedback.run(`f-${i}`, pid(i), `dept-${i % DEPARTMENTS}`, status, new Date(Date.parse(at) + 86_400_000).toISOString(), at, at);
          }
        }
      });
      for (let i = 0; i < patients; i += 50_000) batch(i, Math.min(patients, i + 50_000));
      const contacts = sqlite.transaction((from: number, to: number) => {
        for (let c = from; c < to; c++) {
          const at = new Date(Date.parse(now) - (c % 100_000) * 60_000).toISOString();
          insertContact.run(`c-${String(c).padStart(9, '0')}`, pid((c * 7919) % patients), at, at);
        }
      });
      for (let c = 0; c < contactCount; c += 100_000) {
        contacts(c, Math.min(contactCount, c + 100_000));
        if (c % 1_000_000 === 0) note(`  ${c} contacts`);
      }
    },
    { durableBuild: false },
  );
  const sqlite = db.$client;
  const count = (sqlite.prepare('SELECT count(*) AS n FROM patients').get() as { n: number }).n;
  note(`callcentre bench on ${count} patients, ${(sqlite.prepare('SELECT count(*) AS n FROM contacts').get() as { n: number }).n} contacts`);

  const agent = (): ServiceContext => ({ ...deps, actor: { kind: 'staff', id: 'agent-0', role: 'agent', departmentId: null, username: 'agent0' }, now: deps.clock.now(), requestId: 'bench', ip: '127.0.0.1' });
  const manager = (d: number): ServiceContext => ({ ...deps, actor: { kind: 'staff', id: `mgr-${d}`, role: 'manager', departmentId: `dept-${d}`, username: `mgr${d}` }, now: deps.clock.now(), requestId: 'bench', ip: '127.0.0.1' });

  // Numbers as callers' screens send them: spaces, dashes, with and without +86.
  const phones = Array.from({ length: SAMPLES }, (_, k) => {
    const digits = `139${String(Math.floor(Math.random() * count)).padStart(8, '0')}`;
    return k % 3 === 0 ? `+86 ${digits.slice(0, 3)} ${digits.slice(3, 7)} ${digits.slice(7)}` : k % 3 === 1 ? `${digits.slice(0, 3)}-${digits.slice(3, 7)}-${digits.slice(7)}` : digits;
  });
  const rawLookup = sqlite.prepare('SELECT * FROM patients WHERE phone = ?');
  const raw = timeEach(phones, (p) => rawLookup.all(`+86${p.replace(/\D/g, '').slice(-11)}`));
  const service = await timeEachAsync(phones, (p) => lookupCaller(agent(), p));
  emit('callcentre', 'caller_lookup_p50_ms', percentile(service, 50), 'ms', percentile(raw, 50));
  emit('callcentre', 'caller_lookup_p99_ms', percentile(service, 99), 'ms', percentile(raw, 99));

  const departments = Array.from({ length: 400 }, (_, k) => k % DEPARTMENTS);
  const rawInbox = sqlite.prepare(
    "SELECT * FROM feedback WHERE department_id = ? AND status IN ('open','assigned','in_progress') ORDER BY coalesce(deadline_at, '9999'), id LIMIT 51",
  );
  const rawInboxTimes = timeEach(departments, (d) => rawInbox.all(`dept-${d}`));
  const inboxTimes = await timeEachAsync(departments, (d) => feedbackInbox(manager(d), { status: 'active', limit: 50 }));
  emit('callcentre', 'manager_inbox_p50_ms', percentile(inboxTimes, 50), 'ms', percentile(rawInboxTimes, 50));
  emit('callcentre', 'manager_inbox_p99_ms', percentile(inboxTimes, 99), 'ms', percentile(rawInboxTimes, 99));
  db.$client.close();
}
