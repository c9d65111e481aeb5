import type { ServiceContext } from '../../src/lib/context.js';
import { searchPatients } from '../../src/modules/patients/patients.service.js';
import { PatientSearchQuery } from '../../src/modules/patients/patients.schemas.js';
import { benchHospital } from './fixture.js';
import { emit, note, percentile, timeEach, timeEachAsync } from './report.js';

const SAMPLES = 2000;

/**
 * In-process patient search at scale: by the last four digits of a phone, by pinyin prefix and initials, and by
 * identifier, through the service verb (role check, masking and the audit row included). The baseline is the
 * same lookup as one raw better-sqlite3 prepared statement on the same file.
 */
export async function run(): Promise<void> {
  const { db, deps, patients } = await benchHospital();
  note(`patients bench on ${patients} patients, ${SAMPLES} queries per kind`);
  const sqlite = db.$client;
  const sample = sqlite
    .prepare(
      `SELECT p.phone_last4 AS last4, p.name_pinyin AS pinyin, p.name_initials AS initials, i.value AS mrn
       FROM patients p JOIN patient_identifiers i ON i.patient_id = p.id AND i.system = 'his-mrn'
       WHERE p.rowid IN (SELECT abs(random()) % (SELECT max(rowid) FROM patients) + 1 FROM patients LIMIT ${SAMPLES})`,
    )
    .all() as { last4: string; pinyin: string; initials: string; mrn: string }[];

  const ctx = (): ServiceContext => ({
    ...deps,
    actor: { kind: 'staff', id: 'bench-agent', role: 'agent', departmentId: null, username: 'bench' },
    now: deps.clock.now(),
    requestId: 'bench',
    ip: '127.0.0.1',
  });
  const search = (q: string) => searchPatients(ctx(), PatientSearchQuery.parse({ q, limit: 20 }));

  const rawLast4 = sqlite.prepare('SELECT * FROM patients WHERE phone_last4 = ? AND active = 1 ORDER BY id LIMIT 21');
  const rawPrefix = sqlite.prepare(
    'SELECT p.* FROM patient_search_keys k JOIN patients p ON p.id = k.patient_id WHERE k.key >= ? AND k.key < ? AND p.active = 1 ORDER BY k.key, k.patient_id LIMIT 21',
  );
  const rawIdentifier = sqlite.prepare('SELECT p.* FROM patients p WHERE p.id IN (SELECT patient_id FROM patient_identifiers WHERE value = ?) ORDER BY p.id LIMIT 21');

  const kinds: { figure: string; queries: string[]; raw: (q: string) => unknown }[] = [
    { figure: 'search_phone_last4', queries: sample.map((s) => s.last4), raw: (q) => rawLast4.all(q) },
    // A surname and the first letters of the given name, as people type them: "zhangs".
    { figure: 'search_pinyin_prefix', queries: sample.map((s) => s.pinyin.slice(0, Math.min(s.pinyin.length, 6))), raw: (q) => rawPrefix.all(q, `${q}\u{10FFFF}`) },
    { figure: 'search_initials', queries: sample.map((s) => s.initials), raw: (q) => rawPrefix.all(q, `${q}\u{10FFFF}`) },
    { figure: 'search_identifier', queries: sample.map((s) => s.mrn), raw: (q) => rawIdentifier.all(q) },
  ];
  for (const kind of kinds) {
    const raw = timeEach(kind.queries, kind.raw);
    const service = await timeEachAsync(kind.queries, search);
    emit('patients', `${kind.figure}_p50_ms`, percentile(service, 50), 'ms', percentile(raw, 50));
    emit('patients', `${kind.figure}_p99_ms`, percentile(service, 99), 'ms', percentile(raw, 99));
  }
  db.$client.close();
}
