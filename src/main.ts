import { readFileSync } from 'node:fs';
import { closeDatabase, migrateDatabase, openDatabase } from '../db/client.js';
import { buildApp, createDeps, createScheduler } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { systemClock } from './lib/clock.js';
import { systemContext } from './lib/context.js';
import { readOrCreateDevelopmentKey } from './lib/secret-key.js';
import { isEmptyHospital, seedDemoHospital } from './demo/seed.js';
import { closeChannels, messagingFromConfig } from './modules/messaging/channels/index.js';
import { dispatchDueMessages } from './modules/messaging/dispatcher.js';
import { careDeps } from './modules/care/care.deps.js';
import { QuestionnaireLoadError } from './modules/followup/questionnaire/loader.js';
import { startMllpServer, type MllpServer } from './modules/imports/mllp/server.js';
import { ensureBootstrapAdmin } from './modules/staff/staff.service.js';

/** Boot only: configuration, database and migrations, first admin, demo data, listen, and a clean shutdown. */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  const db = openDatabase(config.dbPath);
  migrateDatabase(db);
  const messaging = messagingFromConfig(config);
  const deps = createDeps({
    db,
    clock: systemClock,
    secretKey: secretKeyOf(config),
    timeZone: config.timeZone,
    messaging,
    questionnairesDir: config.questionnairesDir,
    appointments: config.appointments,
    followup: { publicUrl: config.publicUrl, invitationDays: config.invitationDays, lowSatisfactionScore: config.lowSatisfactionScore, reminderDays: config.invitationReminderDays, wrongTokenLimit: config.wrongTokenLimit },
    callcentre: { ...config.callcentre, atRiskSatisfaction: config.lowSatisfactionScore },
    match: config.match,
    readAudit: { syncWithinMs: config.readAuditSyncMs },
  });
  const care = careDeps({ greetingTime: config.greetingTime, solarFestivals: config.solarFestivals });
  // The logger exists once the app does; failed runs are recorded in job_runs either way.
  const jobErrors = { log: (_job: string, _error: unknown): void => {} };
  const scheduler = createScheduler(deps, care, (job, error) => jobErrors.log(job, error));
  const app = await buildApp({ deps, version, logLevel: config.logLevel, care, scheduler });
  jobErrors.log = (job, error) => app.log.error({ err: error, job }, 'scheduled job failed');

  const boot = systemContext(deps, 'boot');
  if (config.admin && (await ensureBootstrapAdmin(boot, config.admin))) app.log.info(`created admin "${config.admin.username}" from HCRM_ADMIN_USERNAME`);
  const seedDemo = config.demoSeed ?? isEmptyHospital(deps);
  const demoLogins = seedDemo && isEmptyHospital(deps) ? await seedDemoHospital(boot, { patients: 5000 }) : null;
  // The audit writer starts now, not at the first read, so what the seed or an import wrote is indexed at once.
  deps.readAudit?.start();

  // The outbox is drained continuously, not by the one-minute cron: one-time codes and confirmations cannot wait.
  const stopDispatch = new AbortController();
  const dispatching = (async () => {
    while (!stopDispatch.signal.aborted) {
      try {
        await dispatchDueMessages(deps, { maxDurationMs: 50_000, signal: stopDispatch.signal });
      } catch (error) {
        app.log.error({ err: error }, 'message dispatch failed');
      }
      await new Promise((resolve) => setTimeout(resolve, 5_000).unref());
    }
  })();
  // The HIS feed listener runs only where an interface engine is configured to send to it.
  let mllp: MllpServer | null = null;
  if (config.mllpPort !== undefined) {
    mllp = await startMllpServer(deps, { port: config.mllpPort, host: config.host, log: app.log });
    app.log.info(`MLLP listener for HL7 v2 feeds on ${config.host}:${mllp.port}`);
  }

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info(`${signal} received, closing`);
    stopDispatch.abort();
    await Promise.race([dispatching, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    await closeChannels(messaging.channels);
    await scheduler.stopCron();
    await mllp?.close();
    await app.close();
    // Read audit rows still waiting for their forced sync reach stable storage before the service stops.
    await deps.readAudit?.close();
    closeDatabase(db);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ port: config.port, host: config.host });
  // Slots missed while the service was down run once now; then node-cron keeps time.
  const caughtUp = await scheduler.catchUp(deps.clock.now());
  for (const run of caughtUp) app.log.info({ job: run.job, slot: run.slot, status: run.status }, 'caught up a missed job run');
  scheduler.startCron();
  const url = `http://${config.host}:${config.port}`;
  const lines = [`HCRM ${version} is running at ${url}/app/  (API docs: ${url}/docs)`];
  if (demoLogins) lines.push('Demo logins (synthetic data only):', ...demoLogins.map((l) => `  ${l.role.padEnd(8)} ${l.username} / ${l.password}`));
  process.stdout.write(`${lines.join('\n')}\n`);
}

function secretKeyOf(config: Config): string {
  if (config.secretKey) return config.secretKey;
  const { key, file } = readOrCreateDevelopmentKey(config.dbPath);
  process.stderr.write(`warning: HCRM_SECRET_KEY is not set; using the development key in ${file}. Set it in production.\n`);
  return key;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError || error instanceof QuestionnaireLoadError ? error.message : String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
});
