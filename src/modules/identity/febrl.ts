import { basename, extname } from 'node:path';
import { MatchRecord } from './identity.schemas.js';

/**
 * Reads the FEBRL record-linkage layout (the columns of shared/data/febrl): the truth is in rec_id, where
 * rec-N-org and rec-N-dup-k are the same person N. A bad row is reported with its file and line and skipped;
 * the rest of the file still counts.
 */
export const FEBRL_COLUMNS = [
  'rec_id', 'given_name', 'surname', 'street_number', 'address_1', 'address_2', 'suburb', 'postcode', 'state', 'date_of_birth', 'soc_sec_id',
] as const;
type Column = (typeof FEBRL_COLUMNS)[number];

export interface FebrlRow {
  /** The person N of rec-N-…: records with the same entity are true duplicates. */
  entity: string;
  record: MatchRecord;
}

export interface FebrlProblem { file: string; line: number | null; message: string }

export function parseFebrl(file: string, text: string): { rows: FebrlRow[]; problems: FebrlProblem[] } {
  const rows: FebrlRow[] = [];
  const problems: FebrlProblem[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? '').map((cell) => cell.trim().toLowerCase());
  const missing = FEBRL_COLUMNS.filter((column) => !header.includes(column));
  if (missing.length > 0) {
    problems.push({ file, line: 1, message: `the header lacks ${missing.join(', ')} (expected the FEBRL columns ${FEBRL_COLUMNS.join(', ')})` });
    return { rows, problems };
  }
  const at = Object.fromEntries(FEBRL_COLUMNS.map((column) => [column, header.indexOf(column)])) as Record<Column, number>;
  // FEBRL files are sources of their own: dataset4a and dataset4b come from two systems.
  const source = basename(file, extname(file));
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim().length === 0) continue;
    const cells = splitCsvLine(line).map((cell) => cell.trim());
    if (cells.length !== header.length) {
      problems.push({ file, line: i + 1, message: `has ${cells.length} fields, the header has ${header.length}` });
      continue;
    }
    const cell = (column: Column) => (cells[at[column]]!.length > 0 ? cells[at[column]] : undefined);
    const recId = cell('rec_id') ?? '';
    const truth = /^rec-(\d+)-(?:org|dup-\d+)$/.exec(recId);
    if (!truth) {
      problems.push({ file, line: i + 1, message: `rec_id ${JSON.stringify(recId)} is not rec-N-org or rec-N-dup-K` });
      continue;
    }
    const ssid = cell('soc_sec_id');
    const record = MatchRecord.safeParse({
      source,
      sourceRecordId: recId,
      name: { given: cell('given_name'), family: cell('surname') },
      birthDate: cell('date_of_birth'),
      address: {
        number: cell('street_number'),
        street: cell('address_1'),
        line2: cell('address_2'),
        locality: cell('suburb'),
        postcode: cell('postcode'),
        region: cell('state'),
      },
      identifiers: ssid === undefined ? [] : [{ system: 'soc_sec_id', value: ssid }],
    });
    if (!record.success) {
      const issue = record.error.issues[0]!;
      problems.push({ file, line: i + 1, message: `${issue.path.join('.')} ${issue.message}` });
      continue;
    }
    rows.push({ entity: truth[1]!, record: record.data });
  }
  return { rows, problems };
}

/** RFC 4180 fields: commas inside double quotes, "" for a quote. FEBRL itself never quotes, other exports do. */
export function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        current += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else current += ch;
    } else if (ch === '"' && current.trim().length === 0) {
      current = '';
      quoted = true;
    } else if (ch === ',') {
      cells.push(current);
      current = '';
    } else current += ch;
  }
  cells.push(current);
  return cells;
}
