import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Replies to creating requests that carried an Idempotency-Key, kept for a day so that a client retrying after a
 * lost reply gets the same answer instead of a second patient file. In the database, so every instance sees it.
 */
export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    actorId: text('actor_id').notNull(),
    key: text('key').notNull(),
    method: text('method').notNull(),
    path: text('path').notNull(),
    requestHash: text('request_hash').notNull(),
    status: integer('status'),
    contentType: text('content_type'),
    body: text('body'),
    createdAt: text('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.actorId, t.key] })],
);
