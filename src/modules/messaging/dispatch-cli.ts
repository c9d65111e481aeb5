import { parseArgs } from 'node:util';
import { migrateDatabase, openDatabase } from '../../../db/client.js';
import { createDeps } from '../../app.js';
import { ConfigError, loadConfig } from '../../config.js';
import { systemClock } from '../../lib/clock.js';
import { readOrCreateDevelopmentKey } from '../../lib/secret-key.js';
import { closeChannels, messagingFromConfig } from './channels/index.js';
import { dispatchDueMessages } from './dispatcher.js';

/**
 * The dispatcher on its own (`npm run dispatch`): sends due messages until stopped, or once with --once. The same
 * verb the scheduler calls; a separate process is how the crash test kills one mid-batch and starts another.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      once: { type: 'boolean', default: false },
      'lease-ms': { type: 'string', default: '300000' },
      'batch-size': { type: 'string', default: '200' },
      concurrency: { type: 'string', default: '16' },
      'interval-ms': { type: 'string', default: '1000' },
    },
  });
  const config = loadConfig(process.env);
  const db = openDatabase(config.dbPath);
  migrateDatabase(db);
  const secretKey = config.secretKey ?? readOrCreateDevelopmentKey(config.dbPath).key;
  const messaging = messagingFromConfig(config);
  const deps = createDeps({ db, clock: systemClock, secretKey, timeZone: config.timeZone, messaging });
  const stop = new AbortController();
  process.on('SIGTERM', () => stop.abort());
  process.on('SIGINT', () => stop.abort());
  const options = { leaseMs: Number(values['lease-ms']), batchSize: Number(values['batch-size']), concurrency: Number(values.concurrency), signal: stop.signal };
  do {
    const report = await dispatchDueMessages(deps, { ...options, maxDurationMs: values.once ? 0 : 30_000 });
    if (report.claimed + report.cancelled > 0) process.stdout.write(`${JSON.stringify(report)}\n`);
    if (!values.once && !stop.signal.aborted) await new Promise((resolve) => setTimeout(resolve, Number(values['interval-ms'])));
  } while (!values.once && !stop.signal.aborted);
  await closeChannels(messaging.channels);
  db.$client.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
});
