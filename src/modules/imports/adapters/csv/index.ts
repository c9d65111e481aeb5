import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import iconv from 'iconv-lite';
import { startOfLocalDay } from '../../../../lib/clock.js';
import { CanonicalEncounter, CanonicalPerson, describeIssues, type ImportRecord, type Mapped } from '../../canonical.js';
import type { CsvMapping } from './mapping.js';

export interface CsvMapOptions {
  source: string;
  mapping: CsvMapping;
  /** Overrides the mapping's encoding (utf8 with or without BOM, gbk, gb18030). */
  encoding?: 'utf8' | 'gbk' | 'gb18030' | undefined;
  timeZone: string;
  now: Date;
}

/** No patient row comes near this; a longer one is a file that stopped being CSV. */
const MAX_RECORD_BYTES = 1024 * 1024;

const GENDER: Record<string, CanonicalPerson['gender']> = { m: 'male', male: 'male', f: 'female', female: 'female', o: 'other', other: 'other', u: 'unknown', unknown: 'unknown' };

/**
 * Streams a CSV file row by row: bytes are decoded (iconv-lite, BOM dropped) and parsed (csv-parse) as they
 * arrive, so a file of any size imports in constant memory. Each row yields a record or a rejection; the header
 * line goes with rejections so a corrected row can be retried on its own.
 */
export async function* adaptCsv(input: Readable, o: CsvMapOptions): AsyncGenerator<Mapped & { header: string }> {
  const decoder = iconv.decodeStream(o.encoding ?? o.mapping.encoding);
  const parser = input.pipe(decoder).pipe(
    parse({ delimiter: o.mapping.delimiter, bom: true, raw: true, info: true, relax_column_count: true, skip_empty_lines: true, trim: true, skip_records_with_error: true, max_record_size: MAX_RECORD_BYTES }),
  );
  // A row that is not CSV (an unclosed quote) is skipped by the parser and reported here, to be quarantined.
  const broken: Mapped[] = [];
  let stopped: Error | null = null;
  parser.on('skip', (error: Error & { code?: string; lines?: number; raw?: string }) => {
    if (stopped) return;
    // A "row" past the limit is an unclosed quote swallowing the rest of the file: nothing after it can be
    // trusted, and holding it would cost memory without bound. The rows parsed before it still come out; then
    // the import stops there (imports.csv_malformed) and the rest of the input is drained unread.
    if (error.code === 'CSV_MAX_RECORD_SIZE') {
      stopped = error;
      decoder.unpipe(parser);
      input.unpipe(decoder);
      input.resume();
      parser.end();
      return;
    }
    const position = `line ${error.lines ?? '?'}`;
    broken.push({ ok: false, rejected: { key: null, position, raw: error.raw ?? '', code: 'csv.malformed', reason: `${position}: ${error.message}` } });
  });
  let header: string[] | undefined;
  let headerLine = '';
  for await (const row of parser as AsyncIterable<{ record: string[]; raw: string; info: { lines: number } }>) {
    while (broken.length > 0) yield { ...broken.shift()!, header: headerLine };
    const raw = row.raw.replace(/\r?\n$/, '');
    if (!header) {
      header = row.record;
      headerLine = raw;
      const missing = Object.entries(o.mapping.columns).filter(([, column]) => !header!.includes(column));
      if (missing.length > 0) {
        throw new CsvHeaderError(`the header lacks the column${missing.length > 1 ? 's' : ''} ${missing.map(([field, column]) => `"${column}" (${field})`).join(', ')}`);
      }
      continue;
    }
    yield { ...mapCsvRow(header, row.record, raw, `line ${row.info.lines}`, o), header: headerLine };
  }
  while (broken.length > 0) yield { ...broken.shift()!, header: headerLine };
  if (stopped) throw stopped;
}

export class CsvHeaderError extends Error {}

export function mapCsvRow(header: string[], values: string[], raw: string, position: string, o: CsvMapOptions): Mapped {
  const key = createHash('sha256').update(raw).digest('hex');
  const cell = (column: string) => values[header.indexOf(column)]?.trim() ?? '';
  const get = (field: string) => {
    const column = o.mapping.columns[field];
    return column ? cell(column) || null : null;
  };
  const identifiers = Object.entries(o.mapping.columns)
    .filter(([field]) => field.startsWith('identifier:'))
    .map(([field, column]) => ({ system: field.slice('identifier:'.length), value: cell(column) }))
    .filter((i) => i.value !== '');
  if (identifiers.length === 0) return reject(key, position, raw, 'csv.no_identifier', `${position}: no identifier column has a value`);
  const genderText = get('gender') ?? '';
  const gender = o.mapping.genders[genderText] ?? GENDER[genderText.toLowerCase()] ?? 'unknown';
  const birth = get('birthDate');
  const birthDate = birth ? normaliseDate(birth) : null;
  if (birth && !birthDate) return reject(key, position, raw, 'csv.invalid', `${position}, ${o.mapping.columns['birthDate']}: "${birth}" is not a date`);
  const updated = get('updatedAt');
  const updatedAt = updated ? normaliseInstant(updated, o.timeZone) : null;
  if (updated && !updatedAt) return reject(key, position, raw, 'csv.invalid', `${position}, ${o.mapping.columns['updatedAt']}: "${updated}" is not a time`);
  const address = { province: get('address.province'), city: get('address.city'), district: get('address.district'), detail: get('address.detail') };
  const person = CanonicalPerson.safeParse({
    source: { system: o.source, id: identifiers[0]!.value },
    name: get('name') ?? '',
    gender,
    birthDate,
    residentId: get('residentId'),
    phone: get('phone'),
    email: get('email'),
    ...(Object.values(address).some(Boolean) ? { address } : {}),
    occupation: get('occupation'),
    employer: get('employer'),
    identifiers,
  });
  if (!person.success) {
    // Name the file's own column, not our field name, so the sender can find it.
    const reason = describeIssues(person.error).replace(/^([\w.]+):/gm, (_all, field: string) => `${o.mapping.columns[field] ?? field}:`);
    return reject(key, position, raw, 'csv.invalid', `${position}: ${reason}`);
  }
  const visit = mapVisit(get, position, o);
  if ('rejected' in visit) return reject(key, position, raw, 'csv.invalid', visit.rejected);
  const record: ImportRecord = {
    command: 'upsert',
    key,
    position,
    assertedAt: updatedAt ?? o.now.toISOString(),
    person: person.data,
    subject: person.data.identifiers,
    encounters: visit.encounters,
    allergies: [],
    observations: [],
  };
  return { ok: true, record, raw };
}

const VISIT_CLASS: Record<string, CanonicalEncounter['class']> = {
  outpatient: 'outpatient', emergency: 'emergency', inpatient: 'inpatient', surgery: 'surgery', lab: 'lab', exam: 'exam',
  o: 'outpatient', e: 'emergency', i: 'inpatient',
};

/**
 * The visit a row carries, when the mapping has visit columns and `visit.id` has a value: class, department,
 * admission and discharge (local times without an offset, like updatedAt), doctor, and diagnoses (codes and
 * texts separated by ; when a visit has several, the first one primary).
 */
function mapVisit(get: (field: string) => string | null, position: string, o: CsvMapOptions): { encounters: CanonicalEncounter[] } | { rejected: string } {
  const id = get('visit.id');
  if (!id) return { encounters: [] };
  const column = (field: string) => o.mapping.columns[field] ?? field;
  const classText = get('visit.class');
  const visitClass = classText ? (o.mapping.visitClasses[classText] ?? VISIT_CLASS[classText.toLowerCase()]) : undefined;
  if (classText && !visitClass) return { rejected: `${position}, ${column('visit.class')}: "${classText}" is not a visit class this mapping knows` };
  const times: Record<'admittedAt' | 'dischargedAt', string | null> = { admittedAt: null, dischargedAt: null };
  for (const field of ['admittedAt', 'dischargedAt'] as const) {
    const text = get(`visit.${field}`);
    if (!text) continue;
    times[field] = normaliseInstant(text, o.timeZone);
    if (!times[field]) return { rejected: `${position}, ${column(`visit.${field}`)}: "${text}" is not a time` };
  }
  const split = (text: string | null) => (text ?? '').split(/[;；]/).map((s) => s.trim()).filter(Boolean);
  const codes = split(get('visit.diagnosisCode'));
  const texts = split(get('visit.diagnosisText'));
  if (texts.length > 0 && codes.length !== texts.length) return { rejected: `${position}, ${column('visit.diagnosisText')}: ${texts.length} diagnosis texts for ${codes.length} codes` };
  const source = { system: o.source, id };
  const encounter = CanonicalEncounter.safeParse({
    source,
    ...(visitClass ? { class: visitClass } : {}),
    ...(times.dischargedAt ? { status: 'finished' } : times.admittedAt ? { status: 'in-progress' } : {}),
    ...(get('visit.department') ? { departmentCode: get('visit.department') } : {}),
    ...(get('visit.doctor') ? { attendingDoctorName: get('visit.doctor') } : {}),
    ...(times.admittedAt ? { startAt: times.admittedAt } : {}),
    ...(times.dischargedAt ? { endAt: times.dischargedAt } : {}),
    ...(get('visit.summary') ? { summary: get('visit.summary') } : {}),
    diagnoses: codes.map((code, i) => ({ source: { system: o.source, id: `${id}:${code}` }, code, text: texts[i] ?? code, primary: i === 0 })),
    procedures: [],
  });
  if (!encounter.success) {
    const columnOf: Record<string, string> = { departmentCode: 'visit.department', attendingDoctorName: 'visit.doctor', diagnoses: 'visit.diagnosisCode', summary: 'visit.summary' };
    const reason = describeIssues(encounter.error).replace(/^(\w+)[\w.]*:/gm, (_all, field: string) => `${column(columnOf[field] ?? `visit.${field}`)}:`);
    return { rejected: `${position}: ${reason}` };
  }
  return { encounters: [encounter.data] };
}

function normaliseDate(value: string): string | null {
  const m = /^(\d{4})[-/.]?(\d{1,2})[-/.]?(\d{1,2})$/.exec(value);
  if (!m) return null;
  const date = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
  const d = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(date) ? date : null;
}

/** A time with an offset as it says; one without is the hospital's local time (the configured zone). */
function normaliseInstant(value: string, timeZone: string): string | null {
  const iso = value.trim().replace(' ', 'T');
  if (/[zZ]|[+-]\d{2}:?\d{2}$/.test(iso)) {
    const t = Date.parse(iso);
    return Number.isNaN(t) ? null : new Date(t).toISOString();
  }
  const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(iso);
  const date = m ? normaliseDate(m[1]!) : null;
  if (!m || !date) return null;
  const ms = (Number(m[2] ?? 0) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0)) * 1000;
  return new Date(localMidnight(date, timeZone) + ms).toISOString();
}

// A file's rows share few dates (often one export time), and finding a zone's midnight costs an Intl format each.
const midnights = new Map<string, number>();
function localMidnight(date: string, timeZone: string): number {
  const key = `${timeZone} ${date}`;
  let at = midnights.get(key);
  if (at === undefined) {
    if (midnights.size >= 10_000) midnights.clear();
    midnights.set(key, (at = startOfLocalDay(date, timeZone).getTime()));
  }
  return at;
}

function reject(key: string, position: string, raw: string, code: string, reason: string): Mapped {
  return { ok: false, rejected: { key, position, raw, code, reason } };
}
