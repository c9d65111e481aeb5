import { statement, type Tx } from '../../db/client.js';

/**
 * Moves one table's rows from one patient to another (a merge) and returns their ids, so that exactly those rows
 * can be moved back (an unmerge). `where` narrows the rows (`AND status = 'queued'`); it is SQL the calling
 * repository writes, never input. Each module calls this for its own tables, from its merge participant.
 */
export function repointRows(tx: Tx, table: string, fromId: string, toId: string, where = ''): string[] {
  const ids = (statement(tx, `SELECT id FROM ${table} WHERE patient_id = ?${where}`).all(fromId) as { id: string }[]).map((r) => r.id);
  const move = statement(tx, `UPDATE ${table} SET patient_id = ? WHERE id = ?`);
  for (const id of ids) move.run(toId, id);
  return ids;
}

export function restoreRows(tx: Tx, table: string, ids: readonly string[], toId: string): void {
  const move = statement(tx, `UPDATE ${table} SET patient_id = ? WHERE id = ?`);
  for (const id of ids) move.run(toId, id);
}
