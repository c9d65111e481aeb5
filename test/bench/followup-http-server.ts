import Fastify from 'fastify';
import { buildApp } from '../../src/app.js';
import { systemContext } from '../../src/lib/context.js';
import { inTransaction } from '../../src/lib/transaction.js';
import { createInvitation } from '../../src/modules/followup/followup.service.js';
import { followupHospital, OUTPATIENT } from './followup-fixture.js';

/**
 * The server side of the form benchmark, in its own process: the real application on the follow-up hospital and
 * a bare Fastify route. Creates invitations (through the service verb) for the render and submit runs and prints
 * them with the addresses as one JSON line.
 */
const { db, deps } = await followupHospital();
const app = await buildApp({ deps, version: 'bench', logLevel: 'silent' });
const bare = Fastify({ logger: false });
bare.get('/bare/:id', async (request) => ({ id: (request.params as { id: string }).id, ok: true }));
const appUrl = await app.listen({ host: '127.0.0.1', port: 0 });
const bareUrl = await bare.listen({ host: '127.0.0.1', port: 0 });

const ctx = systemContext(deps, 'bench');
const patients = (db.$client.prepare('SELECT id FROM patients LIMIT 1000').all() as { id: string }[]).map((r) => r.id);
const invite = (count: number) =>
  inTransaction(ctx, (tx) => Array.from({ length: count }, (_, i) => createInvitation(tx, ctx, { patientId: patients[i % patients.length]!, questionnaire: { url: OUTPATIENT }, purpose: 'satisfaction' }).token));
const renderTokens = invite(1000);
const submitTokens = invite(Number(process.env.BENCH_SUBMIT_TOKENS ?? 40_000));
process.stdout.write(`${JSON.stringify({ appUrl, bareUrl, renderTokens, submitTokens })}\n`);

process.on('SIGTERM', () => {
  void Promise.all([app.close(), bare.close()]).then(async () => {
    await deps.readAudit?.close();
    db.$client.close();
    process.exit(0);
  });
});
