import { migrateDatabase, openDatabase } from '../../db/client.js';
import { createDeps } from '../app.js';
import { loadConfig } from '../config.js';
import { systemClock } from '../lib/clock.js';
import { systemContext } from '../lib/context.js';
import { isEmptyHospital, seedDemoHospital } from './seed.js';
import { readOrCreateDevelopmentKey } from '../lib/secret-key.js';

/** `npm run seed [-- --patients N]`: seeds the demo hospital into an empty HCRM_DB_PATH. */
const config = loadConfig(process.env);
const countArg = process.argv.indexOf('--patients');
const patients = countArg > 0 ? Number(process.argv[countArg + 1]) : 5000;
if (!Number.isInteger(patients) || patients < 0) {
  process.stderr.write('--patients takes a whole number\n');
  process.exit(2);
}
const db = openDatabase(config.dbPath);
migrateDatabase(db);
const deps = createDeps({
  db,
  clock: systemClock,
  secretKey: config.secretKey ?? readOrCreateDevelopmentKey(config.dbPath).key,
  timeZone: config.timeZone,
  questionnairesDir: config.questionnairesDir,
  followup: { publicUrl: config.publicUrl, invitationDays: config.invitationDays, lowSatisfactionScore: config.lowSatisfactionScore, reminderDays: config.invitationReminderDays, wrongTokenLimit: config.wrongTokenLimit },
});
if (!isEmptyHospital(deps)) {
  process.stderr.write(`${config.dbPath} already holds a hospital; seed only an empty database\n`);
  process.exit(1);
}
const started = Date.now();
const logins = await seedDemoHospital(systemContext(deps, 'seed'), {
  patients,
  onProgress: (done) => process.stdout.write(`\rseeded ${done} of ${patients} patients`),
});
process.stdout.write(`\nseeded in ${((Date.now() - started) / 1000).toFixed(1)} s. Logins:\n${logins.map((l) => `  ${l.username} / ${l.password}`).join('\n')}\n`);
db.$client.close();
