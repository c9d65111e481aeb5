import { CSV_BOM, csvCell } from '../followup/followup.export.js';
import type { MetricTable } from './registry.js';

/** A table as CSV: UTF-8 with a BOM (Excel reads the Chinese as UTF-8), CRLF lines, cells quoted and defused. */
export function tableToCsv(table: MetricTable): string {
  const line = (cells: readonly (string | number | null)[]) => cells.map((c) => (c === null ? '' : typeof c === 'number' ? String(c) : csvCell(c))).join(',');
  return CSV_BOM + [line(table.columns), ...table.rows.map(line)].map((l) => `${l}\r\n`).join('');
}
