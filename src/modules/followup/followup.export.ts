import { flattenItems, type Questionnaire } from './questionnaire/fhir.js';
import type { AnswerRow, ResponseRow } from './followup.repository.js';

const FIXED_COLUMNS = ['response_id', 'questionnaire_version', 'patient_id', 'encounter_id', 'department_id', 'doctor_id', 'source', 'authored_at', 'total_score'] as const;

/** The CSV header: the fixed columns, then one column per answerable item in the definition's order. */
export function csvHeader(q: Questionnaire): { columns: string[]; linkIds: string[] } {
  const linkIds = flattenItems(q.item)
    .filter((f) => f.item.type !== 'group' && f.item.type !== 'display')
    .map((f) => f.item.linkId);
  return { columns: [...FIXED_COLUMNS, ...linkIds], linkIds };
}

/** One CSV line per response; several answers to one item are joined with "; ", codings shown by their code. */
export function csvRows(linkIds: string[], version: string, rows: ResponseRow[], answers: AnswerRow[]): string {
  const byResponse = new Map<string, Map<string, string[]>>();
  for (const a of answers) {
    let items = byResponse.get(a.responseId);
    if (!items) byResponse.set(a.responseId, (items = new Map()));
    const value = a.valueType === 'coding' ? a.valueCode : a.valueType === 'boolean' ? (a.valueNumber === 1 ? 'true' : 'false') : a.valueType === 'number' ? String(a.valueNumber) : a.valueText;
    items.set(a.linkId, [...(items.get(a.linkId) ?? []), value ?? '']);
  }
  return rows
    .map((r) => {
      const items = byResponse.get(r.id);
      const fixed = [r.id, version, r.patientId, r.encounterId, r.departmentId, r.doctorId, r.source, r.authoredAt, r.totalScore === null ? '' : String(r.totalScore)];
      return [...fixed, ...linkIds.map((l) => items?.get(l)?.join('; ') ?? '')].map((v) => csvCell(v ?? '')).join(',');
    })
    .map((line) => `${line}\r\n`)
    .join('');
}

/** UTF-8 with a byte-order mark, so Excel opens the Chinese text as UTF-8. */
export const CSV_BOM = '\uFEFF';

/**
 * Quotes what CSV needs quoted, and defuses text a spreadsheet would run as a formula (=, +, -, @ at the start):
 * a patient's free text must never become a formula on a manager's machine. Numbers are left as they are.
 */
export function csvCell(value: string): string {
  let text = value;
  if (/^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
