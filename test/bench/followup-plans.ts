import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateDatabase, openDatabase, statement } from '../../db/client.js';
import { createDeps } from '../../src/app.js';
import { seedFollowupPlans } from '../../src/demo/followup-plans.js';
import { ManualClock } from '../../src/lib/clock.js';
import { systemContext, type ServiceContext } from '../../src/lib/context.js';
import { newId } from '../../src/lib/ids.js';
import { inTransaction } from '../../src/lib/transaction.js';
import { carryOutDueSteps } from '../../src/modules/followup/plans/steps.js';
import { EncounterEvents } from '../../src/modules/patients/encounter-events.js';
import { upsertEncounterFromSource } from '../../src/modules/patients/patients.feeds.js';
import { insertEncounterFor, insertNewPatient } from '../../src/modules/patients/patients.service.js';
import { createDepartment } from '../../src/modules/staff/staff.service.js';
import { aPatient } from '../helpers/factories.js';
import { BENCH_SECRET } from './fixture.js';
import { emit, note } from './report.js';

const BATCH = 500;

/**
 * Plans applied to BENCH_DISCHARGES (default 10,000) discharges, on a fresh database with the default plans. Three
 * groups of admitted patients are discharged the way an import applies an A03 (upsertEncounterFromSource, 500 per
 * transaction): one with no plan listening (the discharge alone), one with the plans (enrolment, three steps and
 * an audit row each); a third gets the same enrolment and step rows by raw prepared inserts (the floor for
 * writing them). Then the day-3 steps become 10,000 call tasks, against raw inserts of the same task rows.
 */
export async function plansFigures(): Promise<void> {
  const n = Number(process.env.BENCH_DISCHARGES ?? 10_000);
  const dir = mkdtempSync(join(tmpdir(), 'hcrm-bench-plans-'));
  const db = openDatabase(join(dir, 'plans.db'));
  try {
    migrateDatabase(db);
    const clock = new ManualClock('2026-11-20T02:00:00.000Z');
    const deps = createDeps({ db, clock, secretKey: BENCH_SECRET, timeZone: 'Asia/Shanghai' });
    const ctx = systemContext(deps, 'bench');
    const cardiology = (await createDepartment(ctx, { code: 'CARD', nameZh: '心内科', nameEn: 'Cardiology' })).id;
    await createDepartment(ctx, { code: 'TCM', nameZh: '中医科', nameEn: 'TCM' });
    await seedFollowupPlans(ctx);
    note(`admitting ${3 * n} patients for the plans benchmark`);
    const groups = [admit(ctx, cardiology, n, 'none'), admit(ctx, cardiology, n, 'plans'), admit(ctx, cardiology, n, 'raw')];

    const quiet: ServiceContext = { ...ctx, encounterEvents: new EncounterEvents() };
    const alone = time(() => discharge(quiet, groups[0]!));
    const withPlans = time(() => discharge(ctx, groups[1]!));
    const raw = time(() => rawEnrolments(ctx, groups[2]!));
    const enrolled = (db.$client.prepare("SELECT count(*) AS n FROM followup_enrolments WHERE created_by = 'system:bench'").get() as { n: number }).n;
    if (enrolled !== n) note(`expected ${n} enrolments from the plans, found ${enrolled}`);
    emit('followup', `discharges_with_plans_ms@${n}`, withPlans, 'ms', alone);
    emit('followup', `plan_cost_per_discharge_us@${n}`, ((withPlans - alone) / n) * 1000, 'us', (raw / n) * 1000);
    emit('followup', `raw_enrolment_rows_ms@${n}`, raw, 'ms');

    clock.set('2026-11-23T01:05:00.000Z');
    const carried = time(() => void carryOutDueSteps({ ...ctx, now: clock.now() }));
    const tasks = (db.$client.prepare('SELECT count(*) AS n FROM followup_tasks').get() as { n: number }).n;
    const rawTasks = time(() => rawTaskRows(ctx, cardiology, groups[2]!));
    emit('followup', `due_steps_to_call_tasks_ms@${tasks}`, carried, 'ms', rawTasks);
  } finally {
    db.$client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Admitted {
  patientId: string;
  encounterId: string;
  sourceId: string;
}

function admit(ctx: ServiceContext, departmentId: string, count: number, group: string): Admitted[] {
  const out: Admitted[] = [];
  for (let done = 0; done < count; done += BATCH) {
    inTransaction(ctx, (tx) => {
      for (let i = done; i < Math.min(count, done + BATCH); i++) {
        const patientId = insertNewPatient(tx, ctx, aPatient({ identifiers: [], residentId: null, phone: null, email: null, consent: [] }));
        const sourceId = `${group}-${i}`;
        const encounterId = insertEncounterFor(tx, ctx, patientId, {
          class: 'inpatient',
          status: 'in-progress',
          departmentId,
          startAt: '2026-11-12T00:00:00Z',
          chargesCents: 0,
          diagnoses: [{ code: 'I21.9', text: '急性心肌梗死', primary: true }],
          procedures: [],
          sourceSystem: 'HIS',
          sourceId,
        });
        out.push({ patientId, encounterId, sourceId });
      }
    });
  }
  return out;
}

function discharge(ctx: ServiceContext, patients: Admitted[]): void {
  for (let done = 0; done < patients.length; done += BATCH) {
    inTransaction(ctx, (tx) => {
      for (const p of patients.slice(done, done + BATCH)) {
        upsertEncounterFromSource(tx, ctx, p.patientId, { sourceSystem: 'HIS', sourceId: p.sourceId, status: 'finished', endAt: '2026-11-19T02:00:00Z', diagnoses: [], procedures: [] });
      }
    });
  }
}

/** The rows a discharge plan writes (one enrolment, three steps), inserted raw: no matching, no audit. */
function rawEnrolments(ctx: ServiceContext, patients: Admitted[]): void {
  for (let done = 0; done < patients.length; done += BATCH) {
    inTransaction(ctx, (tx) => {
      const enrol = statement(
        tx,
        `INSERT INTO followup_enrolments (id, patient_id, plan_code, plan_version, keep_version, encounter_id, department_id, trigger, anchor_date, reason, status, created_at, created_by)
         VALUES (?, ?, 'raw', 1, 0, ?, NULL, 'discharge', '2026-11-19', 'raw', 'active', ?, 'raw')`,
      );
      const step = statement(tx, `INSERT INTO followup_steps (id, enrolment_id, patient_id, step_key, plan_version, kind, day, due_at, status) VALUES (?, ?, ?, ?, 1, ?, ?, ?, 'scheduled')`);
      const now = ctx.now.toISOString();
      for (const p of patients.slice(done, done + BATCH)) {
        const id = newId();
        enrol.run(id, p.patientId, p.encounterId, now);
        step.run(newId(), id, p.patientId, 'day3-call', 'call', 3, '2026-11-22T01:00:00.000Z');
        step.run(newId(), id, p.patientId, 'day7-satisfaction', 'questionnaire', 7, '2026-11-26T01:00:00.000Z');
        step.run(newId(), id, p.patientId, 'day30-recheck', 'care-reminder', 30, '2026-12-19T01:00:00.000Z');
      }
    });
  }
}

function rawTaskRows(ctx: ServiceContext, departmentId: string, patients: Admitted[]): void {
  for (let done = 0; done < patients.length; done += BATCH) {
    inTransaction(ctx, (tx) => {
      const insert = statement(
        tx,
        `INSERT INTO followup_tasks (id, patient_id, department_id, kind, title, assignee_role, status, due_at, hours_from, hours_to, attempts, max_attempts, version, created_at, updated_at)
         VALUES (?, ?, ?, 'call', '出院第3天电话随访', 'nurse', 'open', '2026-11-22T01:00:00.000Z', '09:00', '20:00', 0, 3, 1, ?, ?)`,
      );
      const now = ctx.now.toISOString();
      for (const p of patients.slice(done, done + BATCH)) insert.run(newId(), p.patientId, departmentId, now, now);
    });
  }
}

function time(work: () => void): number {
  const started = performance.now();
  work();
  return performance.now() - started;
}
