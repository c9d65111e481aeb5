import type { Tx } from '../../../db/client.js';
import type { ServiceContext } from '../../lib/context.js';
import { inTransaction } from '../../lib/transaction.js';

/**
 * Works through rows in batches, one short transaction each, resuming after the last row's id, so a greeting day or
 * a campaign to a hundred thousand patients never holds the write lock for long. Answers how many rows were seen.
 */
export async function inBatches<T extends { id: string }>(
  ctx: ServiceContext,
  size: number,
  read: (tx: Tx, afterId: string | undefined) => T[],
  work: (tx: Tx, batch: T[]) => void,
): Promise<number> {
  let after: string | undefined;
  let seen = 0;
  for (;;) {
    const batch = inTransaction(ctx, (tx) => {
      const rows = read(tx, after);
      if (rows.length > 0) work(tx, rows);
      return rows;
    });
    seen += batch.length;
    if (batch.length < size) return seen;
    after = batch.at(-1)!.id;
  }
}
