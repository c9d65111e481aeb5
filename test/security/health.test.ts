import { describe, expect, it } from 'vitest';
import { TEST_NOW, useTestHospital } from '../helpers/app.js';

const h = await useTestHospital();

describe('GET /health', () => {
  it('answers 200 without a session with the database reachable, migrations current and the version', async () => {
    const reply = await h.app.inject({ method: 'GET', url: '/health' });
    expect(reply.statusCode).toBe(200);
    const body = reply.json();
    expect(body).toEqual({
      status: 'ok',
      version: 'test',
      database: { reachable: true, migrationsApplied: body.database.migrationsExpected, migrationsExpected: expect.any(Number), migrationsCurrent: true },
      time: TEST_NOW,
    });
    expect(body.database.migrationsExpected).toBeGreaterThan(0);
  });

  it('answers 503 degraded when a migration has not been applied', async () => {
    const last = h.db.$client.prepare('SELECT * FROM __drizzle_migrations ORDER BY created_at DESC LIMIT 1').get() as Record<string, unknown>;
    h.db.$client.prepare('DELETE FROM __drizzle_migrations WHERE hash = ?').run(last['hash']);
    try {
      const reply = await h.app.inject({ method: 'GET', url: '/health' });
      expect(reply.statusCode).toBe(503);
      expect(reply.json()).toMatchObject({ status: 'degraded', database: { reachable: true, migrationsCurrent: false } });
    } finally {
      const columns = Object.keys(last);
      h.db.$client.prepare(`INSERT INTO __drizzle_migrations (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`).run(...Object.values(last));
    }
    expect((await h.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });
});
