import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Hits on the public forms per address, kept in the database so several instances share the limit. */
export const publicFormHits = sqliteTable(
  'public_form_hits',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    form: text('form').notNull(),
    ip: text('ip').notNull(),
    at: text('at').notNull(),
  },
  (t) => [index('public_form_hits_idx').on(t.form, t.ip, t.at)],
);
