import { describe, expect, it } from 'vitest';
import { Invalid } from '../../src/lib/errors.js';
import { decodeCursor, encodeCursor, pageOf } from '../../src/lib/pagination.js';

function cursorError(cursor: string, arity: number): Invalid {
  try {
    decodeCursor(cursor, arity);
  } catch (error) {
    if (error instanceof Invalid) return error;
    throw error;
  }
  throw new Error('expected the cursor to be refused');
}

describe('pagination cursors', () => {
  it('gives back the sort key a cursor was made from', () => {
    expect(decodeCursor(encodeCursor(['zhangsanfeng', '0190-abc']), 2)).toEqual(['zhangsanfeng', '0190-abc']);
    expect(decodeCursor(encodeCursor([42]), 1)).toEqual([42]);
  });

  it('reads no cursor as the first page', () => {
    expect(decodeCursor(undefined, 1)).toBeUndefined();
  });

  it.each([
    ['text that is not base64url JSON', 'not a cursor!'],
    ['JSON that is not a list', Buffer.from('{"seq":1}').toString('base64url')],
    ['a key of the wrong length', encodeCursor(['a', 'b', 'c'])],
    ['a key holding objects', Buffer.from('[{"x":1}]').toString('base64url')],
    ['a truncated cursor', encodeCursor(['zhangsanfeng', 'id']).slice(0, 10)],
  ])('refuses %s as a 400 naming the cursor field', (_what, cursor) => {
    const error = cursorError(cursor, 2);
    expect(error.status).toBe(400);
    expect(error.code).toBe('pagination.bad_cursor');
    expect(error.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
  });

  it('returns a next cursor only when more rows follow', () => {
    const rows = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
    const full = pageOf(rows, 2, (r) => [r.id]);
    expect(full.items).toEqual([{ id: 'a' }, { id: 'b' }]);
    expect(decodeCursor(full.nextCursor ?? undefined, 1)).toEqual(['b']);
    expect(pageOf(rows, 3, (r) => [r.id]).nextCursor).toBeNull();
  });
});
