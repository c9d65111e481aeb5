import { z } from 'zod';
import { Invalid } from './errors.js';

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).describe('Page size, 1–100'),
  cursor: z.string().max(512).optional().describe('`nextCursor` from the previous page'),
});

/** Cursors are opaque to clients: base64url JSON of the last row's sort key. */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined, arity: number): (string | number)[] | undefined {
  if (cursor === undefined) return undefined;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === arity && key.every((k) => typeof k === 'string' || typeof k === 'number')) {
      return key as (string | number)[];
    }
  } catch {
    // fall through to the error below
  }
  throw badCursor();
}

/** For lists that check the decoded key further (a number where a number belongs). */
export function badCursor(): Invalid {
  return new Invalid('pagination.bad_cursor', 'cursor is not one this server issued', [
    { field: 'cursor', code: 'bad_cursor', message: 'is not a cursor from a previous page' },
  ]);
}

export function pageOf<T>(rows: T[], limit: number, keyOf: (row: T) => (string | number)[]): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(keyOf(last)) : null };
}
