import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateDatabase, openDatabase, type Db } from '../../db/client.js';
import { createDeps } from '../../src/app.js';
import { systemClock } from '../../src/lib/clock.js';
import { systemContext, type Deps } from '../../src/lib/context.js';
import { seedDemoHospital } from '../../src/demo/seed.js';
import { emit, note } from './report.js';

export const BENCH_SECRET = 'bench-secret-key-of-at-least-32-characters';
/** Bump when the generator or schema changes, so a cached database is rebuilt. */
const FIXTURE_VERSION = 1;

/**
 * The benchmark hospital: the demo generator at BENCH_PATIENTS patients (default 1,000,000), seeded through the
 * service verbs. Generating a million takes minutes, so the file is kept in the temp folder and reused while the
 * fixture version and count match; delete it (or set BENCH_FRESH=1) to measure from scratch.
 */
export async function benchHospital(): Promise<{ db: Db; deps: Deps; path: string; patients: number }> {
  const patients = Number(process.env.BENCH_PATIENTS ?? 1_000_000);
  const opened = await cachedBenchDatabase(`hospital-v${FIXTURE_VERSION}-${patients}`, async (deps, path) => {
    note(`generating ${patients} patients into ${path} (reused by later runs)`);
    const started = performance.now();
    let lastNote = 0;
    await seedDemoHospital(systemContext(deps, 'bench'), {
      patients,
      onProgress: (done) => {
        if (done - lastNote >= 50_000) {
          lastNote = done;
          note(`  ${done} patients, ${Math.round(done / ((performance.now() - started) / 1000))}/s`);
        }
      },
    });
    emit('seed', 'patients_per_s', patients / ((performance.now() - started) / 1000), 'patients/s');
  });
  return { ...opened, patients };
}

/**
 * A benchmark database kept in the temp folder under `name`: built once by `build` into a side file (so an
 * interrupted build is never reused), checkpointed and analysed, then opened with migrations applied.
 * BENCH_FRESH=1 rebuilds it.
 */
export async function cachedBenchDatabase(
  name: string,
  build: (deps: Deps, path: string) => Promise<void>,
  options: { durableBuild?: boolean } = {},
): Promise<{ db: Db; deps: Deps; path: string }> {
  const folder = join(tmpdir(), 'hcrm-bench');
  mkdirSync(folder, { recursive: true });
  const path = join(folder, `${name}.db`);
  if (process.env.BENCH_FRESH === '1') rmSync(path, { force: true });
  if (!existsSync(path)) {
    const building = `${path}.building`;
    for (const suffix of ['', '-wal', '-shm']) rmSync(building + suffix, { force: true });
    const db = openDatabase(building);
    if (options.durableBuild === false) db.$client.pragma('synchronous = OFF');
    migrateDatabase(db);
    await build(createDeps({ db, clock: systemClock, secretKey: BENCH_SECRET, timeZone: 'Asia/Shanghai' }), path);
    db.$client.pragma('wal_checkpoint(TRUNCATE)');
    db.$client.exec('ANALYZE');
    db.$client.close();
    renameSync(building, path);
    rmSync(`${building}-wal`, { force: true });
    rmSync(`${building}-shm`, { force: true });
  }
  const db = openDatabase(path);
  try {
    migrateDatabase(db);
  } catch (error) {
    // A file built on another branch's migration history cannot be brought up to this one: build it again.
    db.$client.close();
    note(`${path} does not migrate (${error instanceof Error ? error.message : String(error)}); building it again`);
    for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
    return cachedBenchDatabase(name, build, options);
  }
  return { db, deps: createDeps({ db, clock: systemClock, secretKey: BENCH_SECRET, timeZone: 'Asia/Shanghai' }), path };
}
