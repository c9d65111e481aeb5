import { migrateDatabase, openDatabase } from '../../../db/client.js';
import { createDeps } from '../../app.js';
import { ConfigError, loadConfig } from '../../config.js';
import { systemClock } from '../../lib/clock.js';
import { systemContext } from '../../lib/context.js';
import { readOrCreateDevelopmentKey } from '../../lib/secret-key.js';
import { rebuildMonthlyRollups } from './month-rollup.service.js';
import { rebuildRfmSnapshots } from './rfm-snapshot.service.js';
import { rebuildAllRollups } from './rollup.service.js';

/** `npm run stats:rebuild`: the statistics' daily rollups, monthly RFM snapshots and monthly service rollups rebuilt from every stored response and visit, with progress on stderr. */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const db = openDatabase(config.dbPath);
  migrateDatabase(db);
  const secretKey = config.secretKey ?? readOrCreateDevelopmentKey(config.dbPath).key;
  const deps = createDeps({ db, clock: systemClock, secretKey, timeZone: config.timeZone });
  const started = performance.now();
  let days = 0;
  const report = await rebuildAllRollups(systemContext(deps, 'stats-rebuild'), (day) => {
    if (++days % 30 === 0) process.stderr.write(`rolled up to ${day}\n`);
  });
  const ms = Math.round(performance.now() - started);
  const rfmStarted = performance.now();
  const rfm = await rebuildRfmSnapshots(systemContext(deps, 'stats-rebuild'));
  const rfmMs = Math.round(performance.now() - rfmStarted);
  const monthlyStarted = performance.now();
  const monthly = await rebuildMonthlyRollups(systemContext(deps, 'stats-rebuild'));
  const monthlyMs = Math.round(performance.now() - monthlyStarted);
  process.stdout.write(`${JSON.stringify({ ...report, ms, rfm: { ...rfm, ms: rfmMs }, monthly: { ...monthly, ms: monthlyMs } })}\n`);
  db.$client.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
});
