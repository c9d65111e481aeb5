import Fastify from 'fastify';
import { closeDatabase } from '../../db/client.js';
import { buildApp } from '../../src/app.js';
import { DEMO_PASSWORD } from '../../src/demo/seed.js';
import { benchHospital } from './fixture.js';

/**
 * The server side of the HTTP benchmark, in its own process so the load generator does not share its core: the
 * real application on the benchmark hospital and a bare Fastify route, both on loopback. Prints where they
 * listen, a session token and sample ids as one JSON line.
 */
const { db, deps } = await benchHospital();
const app = await buildApp({ deps, version: 'bench', logLevel: 'silent' });
const bare = Fastify({ logger: false });
bare.get('/bare/:id', async (request) => ({ id: (request.params as { id: string }).id, ok: true }));
const appUrl = await app.listen({ host: '127.0.0.1', port: 0 });
const bareUrl = await bare.listen({ host: '127.0.0.1', port: 0 });

const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'demo.doctor', password: DEMO_PASSWORD } });
const token = (login.json() as { token: string }).token;
const ids = (db.$client.prepare('SELECT id FROM patients WHERE rowid IN (SELECT abs(random()) % (SELECT max(rowid) FROM patients) + 1 FROM patients LIMIT 1000)').all() as { id: string }[]).map((r) => r.id);
// Patients read once each: every read builds the file (the cache never hits), the cost of a file not yet opened.
const coldIds = (db.$client.prepare('SELECT id FROM patients ORDER BY random() LIMIT 150000').all() as { id: string }[]).map((r) => r.id);
const queries = (db.$client.prepare('SELECT substr(name_pinyin, 1, 6) AS q FROM patients WHERE rowid IN (SELECT abs(random()) % (SELECT max(rowid) FROM patients) + 1 FROM patients LIMIT 1000)').all() as { q: string }[]).map((r) => r.q);
process.stdout.write(`${JSON.stringify({ appUrl, bareUrl, token, ids, coldIds, queries })}\n`);

process.on('SIGTERM', () => {
  void Promise.all([app.close(), bare.close()]).then(async () => {
    await deps.readAudit?.close();
    closeDatabase(db);
    process.exit(0);
  });
});
