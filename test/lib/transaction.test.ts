import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db, type Tx } from '../../db/client.js';
import { inReadSnapshot, inTransaction } from '../../src/lib/transaction.js';

/*
 * Every service writes through inTransaction and reads consistent sets through inReadSnapshot. Both run on one
 * drizzle transaction object per connection (made once, not per transaction), so these check that what a
 * transaction promises still holds: all or nothing, nested parts undone alone, a snapshot that does not move, and
 * each database writing only to itself.
 */
const dir = mkdtempSync(join(tmpdir(), 'hcrm-tx-'));
const opened: Db[] = [];
afterAll(() => {
  for (const db of opened) db.$client.close();
  rmSync(dir, { recursive: true, force: true });
});

function aDatabase(name: string): Db {
  const db = openDatabase(join(dir, `${name}.db`));
  db.$client.exec('CREATE TABLE wards (name TEXT PRIMARY KEY)');
  opened.push(db);
  return db;
}

const addWard = (tx: Tx, name: string) => tx.run(sql`INSERT INTO wards (name) VALUES (${name})`);
const wards = (tx: Tx) => tx.all<{ name: string }>(sql`SELECT name FROM wards ORDER BY name`).map((r) => r.name);

describe('inTransaction', () => {
  it('commits every statement together', () => {
    const db = aDatabase('commit');
    inTransaction({ db }, (tx) => {
      addWard(tx, 'cardiology');
      addWard(tx, 'oncology');
    });
    expect(wards(db)).toEqual(['cardiology', 'oncology']);
  });

  it('writes nothing when the work throws half-way', () => {
    const db = aDatabase('rollback');
    expect(() =>
      inTransaction({ db }, (tx) => {
        addWard(tx, 'cardiology');
        throw new Error('capacity check failed');
      }),
    ).toThrow('capacity check failed');
    expect(wards(db)).toEqual([]);
    inTransaction({ db }, (tx) => addWard(tx, 'oncology'));
    expect(wards(db)).toEqual(['oncology']);
  });

  it('undoes a nested part that throws and keeps the rest', () => {
    const db = aDatabase('nested');
    inTransaction({ db }, (tx) => {
      addWard(tx, 'cardiology');
      expect(() =>
        inTransaction({ db }, (inner) => {
          addWard(inner, 'oncology');
          throw new Error('refused');
        }),
      ).toThrow('refused');
      addWard(tx, 'paediatrics');
    });
    expect(wards(db)).toEqual(['cardiology', 'paediatrics']);
  });

  it('refuses an async callback and writes nothing', () => {
    const db = aDatabase('async');
    expect(() =>
      inTransaction({ db }, async (tx) => {
        addWard(tx, 'cardiology');
        return Promise.resolve();
      }),
    ).toThrow('a transaction callback must be synchronous');
    expect(wards(db)).toEqual([]);
  });

  it('gives every transaction a handle of its own', () => {
    const db = aDatabase('handles');
    const first = inTransaction({ db }, (tx) => tx);
    const second = inTransaction({ db }, (tx) => tx);
    const snapshot = inReadSnapshot({ db }, (tx) => tx);
    expect(new Set([first, second, snapshot]).size).toBe(3);
  });

  it('keeps each database to its own file', () => {
    const north = aDatabase('north');
    const south = aDatabase('south');
    inTransaction({ db: north }, (tx) => addWard(tx, 'north ward'));
    inTransaction({ db: south }, (tx) => addWard(tx, 'south ward'));
    inTransaction({ db: north }, (tx) => addWard(tx, 'north annex'));
    expect(wards(north)).toEqual(['north annex', 'north ward']);
    expect(wards(south)).toEqual(['south ward']);
  });
});

describe('inReadSnapshot', () => {
  it('does not see a commit made by another connection after its first read', () => {
    const db = aDatabase('snapshot');
    inTransaction({ db }, (tx) => addWard(tx, 'cardiology'));
    const other = new Database(join(dir, 'snapshot.db'));
    try {
      const seen = inReadSnapshot({ db }, (tx) => {
        const before = wards(tx);
        other.prepare('INSERT INTO wards (name) VALUES (?)').run('oncology');
        return { before, after: wards(tx) };
      });
      expect(seen).toEqual({ before: ['cardiology'], after: ['cardiology'] });
      expect(wards(db)).toEqual(['cardiology', 'oncology']);
    } finally {
      other.close();
    }
  });
});
