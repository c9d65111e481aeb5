import { localDate } from '../lib/clock.js';
import type { Deps, Role, ServiceContext } from '../lib/context.js';
import { inTransaction } from '../lib/transaction.js';
import { audit } from '../modules/audit/audit.service.js';
import { hasAnyPatient, insertAllergyFor, insertEncounterFor, insertNewPatient } from '../modules/patients/patients.service.js';
import { createDepartment, createStaff, listDepartments } from '../modules/staff/staff.service.js';
import { seedClinics } from './clinics.js';
import { seedFollowupPlans } from './followup-plans.js';
import { generateDepartments, generateDoctors, generatePatients, type DemoPatient } from './generator.js';

export const DEMO_SEED = 20261123;
export const DEMO_PASSWORD = 'hcrm-demo-2026';

export interface DemoLogin {
  role: Role;
  username: string;
  password: string;
}

/** Whether the database holds no hospital yet: the case in which the default start seeds the demo. */
export function isEmptyHospital(deps: Deps): boolean {
  return !hasAnyPatient(deps) && deps.db.$client.prepare('SELECT 1 FROM departments LIMIT 1').get() === undefined;
}

/**
 * Seeds the demo hospital through the same service verbs staff and imports use: departments, one demo login per
 * role, the doctors, then patients with two years of encounters. Returns the logins to print.
 */
export async function seedDemoHospital(
  ctx: ServiceContext,
  options: { patients: number; seed?: number; onProgress?: (done: number) => void },
): Promise<DemoLogin[]> {
  const seed = options.seed ?? DEMO_SEED;
  const departments = generateDepartments();
  const departmentIds = new Map<string, string>();
  const existing = new Map((await listDepartments(ctx)).map((d) => [d.code, d.id]));
  for (const d of departments) departmentIds.set(d.code, existing.get(d.code) ?? (await createDepartment(ctx, d)).id);

  const first = departments[0]!.code;
  const logins: DemoLogin[] = [
    { role: 'admin', username: 'demo.admin', password: DEMO_PASSWORD },
    { role: 'manager', username: 'demo.manager', password: DEMO_PASSWORD },
    { role: 'doctor', username: 'demo.doctor', password: DEMO_PASSWORD },
    { role: 'nurse', username: 'demo.nurse', password: DEMO_PASSWORD },
    { role: 'agent', username: 'demo.agent', password: DEMO_PASSWORD },
  ];
  for (const login of logins) {
    const departmentId = login.role === 'admin' || login.role === 'agent' ? null : departmentIds.get(first)!;
    await createStaff(ctx, { username: login.username, displayName: login.username, role: login.role, departmentId, password: login.password, email: demoEmail(login.username) });
  }

  const doctors = generateDoctors(departments, seed);
  const doctorIds = new Map<string, string>();
  for (const doctor of doctors) {
    // Demo doctors exist to be named on encounters; they get an unguessable password and no printed login.
    const created = await createStaff(ctx, {
      username: doctor.username,
      displayName: doctor.displayName,
      role: 'doctor',
      departmentId: departmentIds.get(doctor.departmentCode)!,
      password: `${crypto.randomUUID()}${crypto.randomUUID()}`,
      email: demoEmail(doctor.username),
    });
    doctorIds.set(doctor.username, created.id);
  }

  // Plans first: the recent discharges and visits of the demo patients enrol as HIS feeds would.
  await seedFollowupPlans(ctx);
  seedPatients(ctx, { count: options.patients, seed, departmentIds, doctorIds, onProgress: options.onProgress });
  await seedClinics(ctx, doctors, doctorIds, departmentIds);
  return logins;
}

const BATCH = 500;

/** Streams generated patients into the database, a batch per transaction, so a million fit in constant memory. */
export function seedPatients(
  ctx: ServiceContext,
  options: { count: number; seed: number; departmentIds: Map<string, string>; doctorIds: Map<string, string>; onProgress?: ((done: number) => void) | undefined },
): void {
  const departments = generateDepartments();
  const doctors = generateDoctors(departments, options.seed);
  const doctorNames = new Map(doctors.map((d) => [d.username, d.displayName]));
  const today = localDate(ctx.now, ctx.timeZone);
  let batch: DemoPatient[] = [];
  let done = 0;
  const flush = () => {
    inTransaction(ctx, (tx) => {
      for (const demo of batch) {
        const { allergies, ...file } = demo.patient;
        const patientId = insertNewPatient(tx, ctx, file);
        for (const e of demo.encounters) {
          const { departmentCode, attendingDoctorUsername, ...encounter } = e;
          insertEncounterFor(tx, ctx, patientId, {
            ...encounter,
            departmentId: options.departmentIds.get(departmentCode)!,
            attendingDoctorId: options.doctorIds.get(attendingDoctorUsername) ?? null,
            attendingDoctorName: doctorNames.get(attendingDoctorUsername) ?? null,
            sourceSystem: null,
            sourceId: null,
          });
        }
        for (const allergy of allergies) insertAllergyFor(tx, ctx, patientId, allergy);
        audit(tx, ctx, { action: 'patient.create', entityType: 'patient', entityId: patientId, patientId, reason: 'demo seed' });
      }
    });
    done += batch.length;
    batch = [];
    options.onProgress?.(done);
  };
  for (const demo of generatePatients({ seed: options.seed, count: options.count, today, departments, doctors })) {
    batch.push(demo);
    if (batch.length === BATCH) flush();
  }
  if (batch.length > 0) flush();
}

// RFC 2606 reserves .example: a demo notice can never reach a real mailbox, even with a live SMTP relay configured.
function demoEmail(username: string): string {
  return `${username}@hospital.example`;
}
