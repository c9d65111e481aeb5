import { loadConfig } from '../src/config.js';
import { migrateDatabase, migrationStatus, openDatabase } from './client.js';

/** `npm run db:migrate`: applies pending migrations to HCRM_DB_PATH (the service also does this at start). */
const config = loadConfig(process.env);
const db = openDatabase(config.dbPath);
migrateDatabase(db);
const status = migrationStatus(db);
process.stdout.write(`${config.dbPath}: ${status.applied} of ${status.expected} migrations applied\n`);
db.$client.close();
