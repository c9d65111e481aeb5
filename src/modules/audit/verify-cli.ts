import { loadConfig } from '../../config.js';
import { openDatabase } from '../../../db/client.js';
import { verifyAuditChain, verifyAuditIndexes } from './audit.service.js';
import { journalFilesOf } from './read-journal-file.js';

/**
 * `npm run audit:verify`: checks the audit chain of HCRM_DB_PATH and names the first broken link, then checks the
 * indexes by patient, actor and time against the log. Exit 1 if either is broken. Read journal files beside the
 * database hold reads a stopped service answered for: their rows join the log when the service next starts.
 */
const config = loadConfig(process.env);
const db = openDatabase(config.dbPath);
const report = verifyAuditChain(db);
const indexes = verifyAuditIndexes(db);
db.$client.close();
if (report.ok) {
  process.stdout.write(`audit chain intact: ${report.rows} rows verified\n`);
} else {
  process.stdout.write(`audit chain broken at row seq ${report.brokenAtSeq}: ${report.reason} (${report.rows - 1} rows before it verified)\n`);
  process.exitCode = 1;
}
for (const mismatch of indexes) {
  process.stdout.write(`${mismatch.index} does not match the log: ${mismatch.missing} rows missing from it, ${mismatch.stray} index rows naming no such row\n`);
  process.exitCode = 1;
}
if (indexes.length === 0) process.stdout.write('audit indexes by patient, actor and time match the log\n');
const waiting = journalFilesOf(config.dbPath);
if (waiting.length > 0) process.stdout.write(`${waiting.length} read journal file(s) waiting: their rows join the log when the service next starts\n`);
