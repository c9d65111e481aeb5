import { createHash } from 'node:crypto';
import { Session } from 'node:inspector/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { copyFileSync, createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { connect } from 'node:net';
import { parse } from 'csv-parse';
import { migrateDatabase, migrationsFolder, openDatabase, type Db } from '../../db/client.js';
import { createDeps } from '../../src/app.js';
import { systemClock } from '../../src/lib/clock.js';
import type { Deps, ServiceContext } from '../../src/lib/context.js';
import { newId } from '../../src/lib/ids.js';
import { GIVEN_FEMALE, GIVEN_MALE, REGIONS, SURNAMES } from '../../src/demo/catalog-people.js';
import { frame } from '../../src/modules/imports/mllp/framing.js';
import { startMllpServer } from '../../src/modules/imports/mllp/server.js';
import { importCsv } from '../../src/modules/imports/imports.verbs.js';
import { PatientIndex } from '../../src/modules/identity/patient-index.js';
import { residentIdFor } from '../helpers/factories.js';
import { BENCH_SECRET } from './fixture.js';
import { emit, note } from './report.js';

const HEADER = '病案号,姓名,性别,出生日期,身份证号,手机号,电子邮箱,省,市,区县,详细地址,职业,更新时间';

/**
 * Imports at scale. CSV: BENCH_ROWS patient rows (default 1,000,000) generated into a file, imported through the
 * real pipeline (stream → parse → map → resolve → patient file with encryption, search keys, provenance, receipt
 * and audit row), against raw better-sqlite3 inserts of the same rows into the same tables, both on fresh files
 * in the same run. Memory is sampled while streaming. MLLP: BENCH_MLLP ADT messages (default 5,000) on one
 * connection with a window of BENCH_MLLP_WINDOW (default 64) in flight, then up to 2,000 more each waiting for
 * its ACK (stop-and-wait), both against durable one-row commits on the same disk.
 */
export async function run(): Promise<void> {
  const rows = Number(process.env.BENCH_ROWS ?? 1_000_000);
  // BENCH_DIR=/dev/shm shows the pipeline's own cost without the disk's fsync (synchronous=FULL) in it.
  const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'hcrm-bench-imports-'));
  try {
    const cached = process.env.BENCH_REUSE_IMPORT === '1' ? importedDatabase(rows) : null;
    if (cached !== null && existsSync(cached)) {
      note(`imports bench: reusing ${cached} (${rows} CSV rows imported by an earlier run; CSV figures not measured)`);
      for (const suffix of ['', '-wal', '-shm']) rmSync(join(dir, 'pipeline.db') + suffix, { force: true });
      copyFileSync(cached, join(dir, 'pipeline.db'));
      const db = openDatabase(join(dir, 'pipeline.db'));
      migrateDatabase(db);
      const deps = createDeps({ db, clock: systemClock, secretKey: BENCH_SECRET, timeZone: 'Asia/Shanghai' });
      // The service index as the import left it: built before the MLLP phase, as the import had built it.
      db.transaction((tx) => deps.patientIndex.current(tx, deps), { behavior: 'deferred' });
      await mllp(deps, Number(process.env.BENCH_MLLP ?? 5000), dir);
      db.$client.close();
      return;
    }
    const csv = join(dir, 'patients.csv');
    await writeCsv(csv, rows);
    note(`imports bench: ${rows} CSV rows`);

    const rawCpu = process.cpuUsage();
    const raw = rawInsert(freshDb(join(dir, 'raw.db')), csv);
    const rawRate = rows / ((await raw) / 1000);
    const rawCpuMs = cpuMs(process.cpuUsage(rawCpu));

    const db = freshDb(join(dir, 'pipeline.db'));
    const deps = createDeps({ db, clock: systemClock, secretKey: BENCH_SECRET, timeZone: 'Asia/Shanghai' });
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 100);
    const started = performance.now();
    const pipelineCpu = process.cpuUsage();
    const report = await importCsv(ctx(deps), createReadStream(csv), {
      source: 'bench',
      channel: 'cli',
      mapping: 'his-patients',
      onBatch: (r) => r.counts.received % 100_000 === 0 && note(`  ${r.counts.received} rows, rss ${mb(process.memoryUsage().rss)} MB`),
    });
    const ms = performance.now() - started;
    // CPU time beside wall time: on a shared machine the wall-clock ratio moves with the neighbours' load.
    const pipelineCpuMs = cpuMs(process.cpuUsage(pipelineCpu));
    note(`  CPU per row: pipeline ${((pipelineCpuMs * 1000) / rows).toFixed(0)} µs, raw inserts ${((rawCpuMs * 1000) / rows).toFixed(0)} µs (ratio ${(rawCpuMs / pipelineCpuMs).toFixed(3)})`);
    clearInterval(sampler);
    const rssAfter = process.memoryUsage().rss;
    if (report.created !== rows) note(`  warning: created ${report.created} of ${rows} (quarantined ${report.quarantined})`);
    emit('imports', 'csv_rows_per_s', rows / (ms / 1000), 'rows/s', rawRate);
    emit('imports', 'csv_rss_before_mb', mb(rssBefore), 'MB');
    emit('imports', 'csv_rss_peak_mb', mb(rssPeak), 'MB');
    emit('imports', 'csv_rss_after_mb', mb(rssAfter), 'MB');
    if (cached !== null) keepImported(db, cached);

    indexMemory(db, deps);
    await mllp(deps, Number(process.env.BENCH_MLLP ?? 5000), dir);
    db.$client.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * BENCH_REUSE_IMPORT=1: the database as the CSV import left it is kept in $TMPDIR/hcrm-bench, named by the row
 * count, the generator's version and a hash of the migrations, and later runs measure only the MLLP phase on a copy
 * of it (the full run, without the variable, always imports and reports the CSV figures).
 */
const IMPORTED_VERSION = 1;
function importedDatabase(rows: number): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(migrationsFolder, { recursive: true }).map(String).sort()) {
    const path = join(migrationsFolder, name);
    if (statSync(path).isFile()) hash.update(name).update(readFileSync(path));
  }
  return join(tmpdir(), 'hcrm-bench', `imports-v${IMPORTED_VERSION}-${rows}-${hash.digest('hex').slice(0, 12)}.db`);
}

function keepImported(db: Db, path: string): void {
  db.$client.pragma('wal_checkpoint(TRUNCATE)');
  mkdirSync(dirname(path), { recursive: true });
  copyFileSync(db.$client.name, `${path}.building`);
  renameSync(`${path}.building`, path);
  note(`  kept the imported database as ${path}`);
}

function freshDb(path: string): Db {
  const db = openDatabase(path);
  migrateDatabase(db);
  return db;
}

function ctx(deps: Deps): ServiceContext {
  return { ...deps, actor: { kind: 'import', id: 'bench' }, now: deps.clock.now(), requestId: newId(), ip: null };
}

const mb = (bytes: number) => bytes / 1024 / 1024;
const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;

/** Deterministic synthetic people; every row unique by MRN, resident ID and phone. */
const FIRST_BIRTH = Date.UTC(1940, 0, 1);
const BIRTH_DAYS = 25_568; // 1940-01-01 to 2009-12-31

function birthDateOf(day: number): string {
  return new Date(FIRST_BIRTH + day * 86_400_000).toISOString().slice(0, 10);
}

async function writeCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  const write = (line: string) => (out.write(line) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
  await write(`${HEADER}\n`);
  for (let i = 0; i < rows; i++) {
    const male = i % 2 === 0;
    const surname = SURNAMES[(i * 7) % SURNAMES.length]![0].zh;
    const given = (male ? GIVEN_MALE : GIVEN_FEMALE)[(i * 13) % (male ? GIVEN_MALE : GIVEN_FEMALE).length]!.zh;
    // Birth dates spread over every day of 70 years, as a hospital's patients' are (an earlier generator cycled
    // through 420 dates, which made every birth-date block of the index thousands deep: no real register looks so).
    // 7,919 is prime to BIRTH_DAYS, so i ↦ (day, i / BIRTH_DAYS) is one-to-one and so are the resident IDs below.
    const birth = birthDateOf((i * 7919) % BIRTH_DAYS);
    const region = String(110101 + (Math.floor(i / BIRTH_DAYS) % 5000)).padStart(6, '0');
    const rid = residentIdFor(birth, male ? 'male' : 'female', region, Math.floor(i / (BIRTH_DAYS * 5000)) % 50);
    const place = REGIONS[i % REGIONS.length]!;
    const phone = `13${String(100000000 + i).slice(-9)}`;
    await write(`MRN${String(i).padStart(8, '0')},${surname}${given},${male ? '男' : '女'},${birth},${rid},${phone},,${place.province},${place.city},${place.district},人民路${i % 300}号,,2026-11-01 09:00:00\n`);
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
}

/**
 * The baseline: the same file read with the same CSV parser, and the same database rows the pipeline writes for a
 * new patient (the patient, its identifier, three search keys, nine field sources, the receipt and an audit row)
 * inserted as they are with prepared statements, a thousand rows to a transaction. What it leaves out is the work
 * the pipeline exists for: mapping, validation, matching, encryption, pinyin and the audit hash chain.
 */
async function rawInsert(db: Db, csv: string): Promise<number> {
  const sqlite = db.$client;
  const patient = sqlite.prepare(
    `INSERT INTO patients (id, name, name_pinyin, name_initials, gender, birth_date, resident_id_sealed, resident_id_hash, phone, phone_last4,
     province, city, district, address_detail, emergency_contacts, tags, created_at, updated_at) VALUES (?, ?, '', '', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', '[]', ?, ?)`,
  );
  const identifier = sqlite.prepare('INSERT INTO patient_identifiers (id, patient_id, system, value) VALUES (?, ?, ?, ?)');
  const key = sqlite.prepare('INSERT INTO patient_search_keys (key, patient_id) VALUES (?, ?)');
  const source = sqlite.prepare('INSERT INTO patient_field_sources (patient_id, field, source, asserted_at) VALUES (?, ?, ?, ?)');
  const receipt = sqlite.prepare('INSERT INTO import_receipts (source, key, run_id, patient_id, received_at) VALUES (?, ?, ?, ?, ?)');
  const audit = sqlite.prepare(
    `INSERT INTO audit_log (id, at, actor_kind, actor_id, actor_role, action, patient_id, entity_type, entity_id, ip, request_id, reason, detail, prev_hash, hash)
     VALUES (?, ?, 'import', 'bench', NULL, 'patient.import.created', ?, 'patient', ?, NULL, 'bench', NULL, NULL, 'x', 'y')`,
  );
  const fields = ['name', 'gender', 'birthDate', 'residentId', 'phone', 'address.province', 'address.city', 'address.district', 'address.detail'];
  const insertBatch = sqlite.transaction((batch: string[][]) => {
    const now = new Date().toISOString();
    for (const r of batch) {
      const id = newId();
      patient.run(id, r[1], r[2] === '男' ? 'male' : 'female', r[3], r[4], r[4], r[5], r[5]!.slice(-4), r[7], r[8], r[9], r[10], now, now);
      identifier.run(newId(), id, 'his-mrn', r[0]);
      for (const k of [r[1], `${r[0]}p`, `${r[0]}i`]) key.run(k, id);
      for (const f of fields) source.run(id, f, 'import:bench', now);
      receipt.run('bench', r.join(','), 'run', id, now);
      audit.run(newId(), now, id, id);
    }
  });
  const started = performance.now();
  let batch: string[][] = [];
  let header = true;
  for await (const record of createReadStream(csv).pipe(parse({ bom: true, relax_column_count: true })) as AsyncIterable<string[]>) {
    if (header) {
      header = false;
      continue;
    }
    batch.push(record);
    if (batch.length === 1000) {
      insertBatch(batch);
      batch = [];
    }
  }
  insertBatch(batch);
  const ms = performance.now() - started;
  sqlite.close();
  return ms;
}

/**
 * The patient index a service builds at start over every patient the import wrote: how long the build takes and
 * how much memory it holds per patient, between two full collections.
 */
function indexMemory(db: Db, deps: Deps): void {
  const patients = (db.$client.prepare('SELECT count(*) AS n FROM patients').get() as { n: number }).n;
  const index = new PatientIndex(deps.patientIndex.config);
  // The heap and the memory outside it (typed arrays, the digests' WebAssembly memory) both count.
  const used = () => process.memoryUsage().heapUsed + process.memoryUsage().external;
  collectGarbage();
  const before = used();
  const started = performance.now();
  db.transaction((tx) => index.current(tx, deps), { behavior: 'deferred' });
  const seconds = (performance.now() - started) / 1000;
  collectGarbage();
  const held = used() - before;
  note(`  index over ${patients} patients: ${index.size} records, built in ${seconds.toFixed(1)} s`);
  emit('imports', 'index_build_patients_per_s', patients / seconds, 'patients/s');
  emit('imports', 'index_bytes_per_patient', held / patients, 'bytes');
}

/**
 * The baseline for MLLP: single-row transactions committed one after another on the same disk with the same
 * pragmas (WAL, synchronous=FULL), each durable before the next starts, which is what one connection waiting for
 * an ACK after each durable commit can reach at best.
 */
function rawCommits(dir: string, commits: number): number {
  const db = freshDb(join(dir, 'commits.db'));
  const sqlite = db.$client;
  sqlite.exec('CREATE TABLE bench_commits (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  const insert = sqlite.prepare('INSERT INTO bench_commits (body) VALUES (?)');
  const commit = sqlite.transaction((body: string) => insert.run(body));
  const started = performance.now();
  for (let i = 0; i < commits; i++) commit(`MSH|^~\\&|BENCH|${i}`.padEnd(400, 'x'));
  const rate = commits / ((performance.now() - started) / 1000);
  sqlite.close();
  return rate;
}

async function mllp(deps: Deps, messages: number, dir: string): Promise<void> {
  const commitRate = rawCommits(dir, Math.min(messages, 2000));
  const server = await startMllpServer(deps, { port: 0, host: '127.0.0.1', log: { info() {}, warn() {}, error() {} } });
  const window = Number(process.env.BENCH_MLLP_WINDOW ?? 64);
  // A sender that keeps a window of messages in flight (as interface engines may over MLLP), then one that waits
  // for each ACK before sending the next; different people in each run, so neither only re-reads receipts.
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 100);
  const profile = await startProfile();
  const pipelined = await sendAdt(server.port, messages, window, 'P');
  await profile();
  clearInterval(sampler);
  const stopAndWait = await sendAdt(server.port, Math.min(messages, Number(process.env.BENCH_MLLP_SAW ?? 2000)), 1, 'S');
  await server.close();
  for (const r of [pipelined, stopAndWait]) if (r.rejected > 0) note(`  warning: ${r.rejected} messages not acknowledged AA (window ${r.window})`);
  // Against the floor (1,000 msg/s) and against what the disk allows one connection waiting for each durable commit.
  emit('imports', `mllp_adt_msgs_per_s_window_${window}`, pipelined.rate, 'msg/s', 1000);
  emit('imports', `mllp_adt_msgs_per_s_window_${window}_vs_raw_commits`, pipelined.rate, 'msg/s', commitRate);
  emit('imports', 'mllp_adt_msgs_per_s_stop_and_wait', stopAndWait.rate, 'msg/s', 1000);
  emit('imports', 'mllp_adt_msgs_per_s_stop_and_wait_vs_raw_commits', stopAndWait.rate, 'msg/s', commitRate);
  emit('imports', 'mllp_rss_before_mb', mb(rssBefore), 'MB');
  emit('imports', 'mllp_rss_peak_mb', mb(rssPeak), 'MB');
}

/**
 * One connection sending `messages` ADT messages with up to `window` unacknowledged; every ACK must name the
 * control id of the oldest message in flight (ACKs come in order) or the run fails.
 */
async function sendAdt(port: number, messages: number, window: number, tag: string): Promise<{ rate: number; rejected: number; window: number }> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.setNoDelay(true);
  const inFlight: string[] = [];
  let sent = 0;
  let acked = 0;
  let rejected = 0;
  let pending = Buffer.alloc(0);
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const fill = () => {
      const frames: Buffer[] = [];
      while (sent < messages && inFlight.length < window) {
        const id = `B${tag}${sent}`;
        frames.push(frame(adtMessage(sent++, id, tag)));
        inFlight.push(id);
      }
      if (frames.length > 0) socket.write(frames.length === 1 ? frames[0]! : Buffer.concat(frames));
    };
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      for (let end = pending.indexOf(0x1c); end >= 0; end = pending.indexOf(0x1c)) {
        const ack = pending.subarray(pending.indexOf(0x0b) + 1, end).toString('utf8');
        pending = pending.subarray(end + 2);
        const msa = ack.split('\r').find((s) => s.startsWith('MSA|'))?.split('|') ?? [];
        const expected = inFlight.shift();
        if (msa[2] !== expected) return reject(new Error(`ACK for ${msa[2]} where ${expected} was due`));
        if (msa[1] !== 'AA') rejected++;
        acked++;
      }
      if (acked === messages) resolve();
      else fill();
    });
    fill();
  });
  const ms = performance.now() - started;
  socket.end();
  return { rate: messages / (ms / 1000), rejected, window };
}

/**
 * Registration (A28), then an update of the same person (A08): a new person every other message, each with their
 * own name, birth date and phone, as a registration desk's feed has them.
 */
function adtMessage(i: number, controlId: string, tag: string): string {
  const event = i % 2 === 0 ? 'A28' : 'A08';
  const n = Math.floor(i / 2);
  const male = n % 2 === 0;
  const surname = SURNAMES[(n * 7) % SURNAMES.length]![0].zh;
  const given = (male ? GIVEN_MALE : GIVEN_FEMALE)[(n * 13) % (male ? GIVEN_MALE : GIVEN_FEMALE).length]!.zh;
  const birth = `${1940 + (n % 70)}${String(1 + (Math.floor(n / 70) % 12)).padStart(2, '0')}${String(1 + (Math.floor(n / 840) % 28)).padStart(2, '0')}`;
  const phone = `1${tag === 'P' ? 39 : 38}${String(10000000 + n).slice(-8)}`;
  return [
    `MSH|^~\\&|BENCH|HOSP|HCRM|HOSP|20261120083000+0800||ADT^${event}^ADT_A01|${controlId}|P|2.5`,
    `EVN|${event}|20261120083000+0800`,
    `PID|1||B${tag}MRN${n}^^^BENCH^MR||${surname}^${given}||${birth}|${male ? 'M' : 'F'}|||人民路${n % 300}号^^上海市^上海市^^^^^黄浦区||^PRN^PH^^^^^^^^^${phone}`,
  ].join('\r');
}

/** BENCH_CPU_PROFILE=FILE: a CPU profile of the pipelined MLLP run alone, for Chrome DevTools or speedscope. */
async function startProfile(): Promise<() => Promise<void>> {
  const file = process.env.BENCH_CPU_PROFILE;
  if (file === undefined) return async () => {};
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
    note(`  CPU profile of the pipelined run in ${file}`);
  };
}

/**
 * A full collection, so memory figures count live objects only. Without --expose-gc the garbage of the import before
 * was collected during the build instead, and the figure could come out below zero; the flag is set on demand.
 */
function collectGarbage(): void {
  if (!global.gc) {
    setFlagsFromString('--expose-gc');
    global.gc = runInNewContext('gc') as NodeJS.GCFunction;
  }
  global.gc();
}
