import { loadConfig } from '../../config.js';
import { openDatabase } from '../../../db/client.js';
import { verifyAuditChain } from './audit.service.js';

/** `npm run audit:verify`: checks the audit chain of HCRM_DB_PATH and names the first broken link. Exit 1 if broken. */
const config = loadConfig(process.env);
const db = openDatabase(config.dbPath);
const report = verifyAuditChain(db);
db.$client.close();
if (report.ok) {
  process.stdout.write(`audit chain intact: ${report.rows} rows verified\n`);
} else {
  process.stdout.write(`audit chain broken at row seq ${report.brokenAtSeq}: ${report.reason} (${report.rows - 1} rows before it verified)\n`);
  process.exitCode = 1;
}
