import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll } from 'vitest';
import { closeDatabase, migrateDatabase, openDatabase, type Db } from '../../db/client.js';
import { buildApp, createDeps, createScheduler, type DepsOptions } from '../../src/app.js';
import type { Scheduler } from '../../src/jobs/scheduler.js';
import { ManualClock } from '../../src/lib/clock.js';
import { systemContext, type Deps, type Role, type ServiceContext } from '../../src/lib/context.js';
import { careDeps, type CareDeps } from '../../src/modules/care/care.deps.js';
import { createDepartment, createStaff, listDepartments } from '../../src/modules/staff/staff.service.js';
import { RecordingOutbox } from './outbox.js';

export const TEST_NOW = '2026-11-23T02:00:00.000Z';
export const TEST_PASSWORD = 'correct horse battery';

export interface TestHospital {
  app: FastifyInstance;
  db: Db;
  deps: Deps;
  clock: ManualClock;
  dbPath: string;
  /** What care asked messaging to queue or cancel (messaging itself lives on its own branch until merged). */
  outbox: RecordingOutbox;
  care: CareDeps;
  /** The app's scheduler; tests call runDue(now) instead of waiting for node-cron. */
  scheduler: Scheduler;
  /** A system context for arranging data through services. */
  system(): ServiceContext;
  /** The id of the department with this code, created on first use. */
  department(code: string, nameZh?: string): Promise<string>;
  /** Creates a staff member and returns a session token for them. */
  signIn(role: Role, options?: { departmentId?: string | null; username?: string }): Promise<StaffSession>;
  close(): Promise<void>;
}

export interface StaffSession {
  id: string;
  username: string;
  token: string;
  headers: { authorization: string };
}

export interface TestHospitalOptions {
  now?: string;
  /** Channels, rules and the Twilio auth token; omitted: sandbox channels and the default rules. */
  messaging?: DepsOptions['messaging'];
  extraTemplates?: DepsOptions['extraTemplates'];
  /** Care's outbox and greeting settings; the outbox records what care asks for unless a test passes another. */
  care?: Partial<CareDeps>;
  /** Booking rules other than the defaults (DEFAULT_APPOINTMENT_SETTINGS). */
  appointments?: DepsOptions['appointments'];
  /** The read audit sync window and the timer that fires it (HCRM_READ_AUDIT_SYNC_MS); the default otherwise. */
  readAudit?: DepsOptions['readAudit'];
}

/** A whole HCRM on a fresh SQLite file with a clock the test controls. One per test file. */
export async function startTestHospital(options: TestHospitalOptions = {}): Promise<TestHospital> {
  const dir = mkdtempSync(join(tmpdir(), 'hcrm-test-'));
  const dbPath = join(dir, 'hcrm.db');
  const db = openDatabase(dbPath);
  migrateDatabase(db);
  const clock = new ManualClock(options.now ?? TEST_NOW);
  const deps = createDeps({
    db,
    clock,
    secretKey: 'test-secret-key-of-at-least-32-characters',
    timeZone: 'Asia/Shanghai',
    ...(options.messaging ? { messaging: options.messaging } : {}),
    ...(options.extraTemplates ? { extraTemplates: options.extraTemplates } : {}),
    ...(options.appointments ? { appointments: options.appointments } : {}),
    ...(options.readAudit ? { readAudit: options.readAudit } : {}),
  });
  const outbox = new RecordingOutbox();
  const care = careDeps({ outbox, ...options.care });
  const scheduler = createScheduler(deps, care);
  const app = await buildApp({ deps, version: 'test', logLevel: 'silent', care, scheduler });
  let staffCount = 0;

  const hospital: TestHospital = {
    app,
    db,
    deps,
    clock,
    dbPath,
    outbox,
    care,
    scheduler,
    system: () => systemContext(deps, 'test'),
    async department(code, nameZh = `${code}科`) {
      const existing = (await listDepartments(hospital.system())).find((d) => d.code === code);
      return existing?.id ?? (await createDepartment(hospital.system(), { code, nameZh, nameEn: code })).id;
    },
    async signIn(role, signInOptions = {}) {
      staffCount++;
      const username = signInOptions.username ?? `${role}${staffCount}`;
      const departmentId =
        signInOptions.departmentId === undefined ? (role === 'admin' || role === 'agent' ? null : await hospital.department('GEN')) : signInOptions.departmentId;
      const { id } = await createStaff(hospital.system(), { username, displayName: username, role, departmentId, password: TEST_PASSWORD });
      const reply = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: TEST_PASSWORD } });
      if (reply.statusCode !== 200) throw new Error(`sign-in of ${username} failed: ${reply.body}`);
      const token = (reply.json() as { token: string }).token;
      return { id, username, token, headers: { authorization: `Bearer ${token}` } };
    },
    async close() {
      await app.close();
      await deps.readAudit?.close();
      closeDatabase(db);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return hospital;
}

/** startTestHospital for a describe block, closed after the file's tests. */
export async function useTestHospital(options: TestHospitalOptions = {}): Promise<TestHospital> {
  const hospital = await startTestHospital(options);
  afterAll(() => hospital.close());
  return hospital;
}

/** The JSON of a GET answered 200 for `headers`' staff member; any other answer fails the test with its body. */
export async function getOk(hospital: TestHospital, url: string, headers: Record<string, string>) {
  const reply = await hospital.app.inject({ method: 'GET', url, headers });
  if (reply.statusCode !== 200) throw new Error(`${url}: ${reply.statusCode} ${reply.body}`);
  return reply.json();
}
