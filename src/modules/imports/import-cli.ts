import { createReadStream, readFileSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { migrateDatabase, openDatabase } from '../../../db/client.js';
import { createDeps } from '../../app.js';
import { loadConfig } from '../../config.js';
import { systemClock } from '../../lib/clock.js';
import { serviceContext, type ServiceContext } from '../../lib/context.js';
import { AppError } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { readOrCreateDevelopmentKey } from '../../lib/secret-key.js';
import type { ImportReport } from './imports.service.js';
import { importCsv, importFhir, importHl7 } from './imports.verbs.js';

/**
 * `npm run import -- --format hl7|fhir|csv --source NAME [--mapping FILE] [--encoding utf8|gbk|gb18030] FILE...`
 * Imports files into HCRM_DB_PATH as an `import` actor, with a progress bar on stderr when it is a terminal and a
 * summary per file on stdout. Exits 1 when a file could not be read at all, 0 otherwise (quarantined records are
 * listed in the summary and wait in the quarantine).
 */
const USAGE = 'usage: npm run import -- --format hl7|fhir|csv --source NAME [--mapping FILE] [--encoding utf8|gbk|gb18030] FILE...';

const { values, positionals } = parseArgs({
  options: { format: { type: 'string' }, source: { type: 'string' }, mapping: { type: 'string' }, encoding: { type: 'string' } },
  allowPositionals: true,
});
const format = values.format;
const encoding = values.encoding as 'utf8' | 'gbk' | 'gb18030' | undefined;
if ((format !== 'hl7' && format !== 'fhir' && format !== 'csv') || !values.source || positionals.length === 0 || (format === 'csv' && !values.mapping) || (encoding && !['utf8', 'gbk', 'gb18030'].includes(encoding))) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}

const config = loadConfig(process.env);
const db = openDatabase(config.dbPath);
migrateDatabase(db);
const deps = createDeps({ db, clock: systemClock, secretKey: config.secretKey ?? readOrCreateDevelopmentKey(config.dbPath).key, timeZone: config.timeZone, match: config.match });
const ctx = (): ServiceContext => serviceContext(deps, { actor: { kind: 'import', id: `cli:${values.source}` }, now: deps.clock.now(), requestId: newId(), ip: null });

const tty = process.stderr.isTTY === true;
function progress(file: string, done: number, total: number, received: number): void {
  if (!tty) return;
  const share = total > 0 ? Math.min(1, done / total) : 1;
  const width = 30;
  const bar = '#'.repeat(Math.round(share * width)).padEnd(width, '.');
  process.stderr.write(`\r${file} [${bar}] ${(share * 100).toFixed(0).padStart(3)}%  ${received} records`);
}

let failed = false;
for (const file of positionals) {
  try {
    let report: ImportReport;
    if (format === 'csv') {
      const total = statSync(file).size;
      let done = 0;
      const stream = createReadStream(file);
      stream.on('data', (chunk) => (done += chunk.length));
      report = await importCsv(ctx(), stream, { source: values.source!, channel: 'cli', mapping: values.mapping!, encoding, onBatch: (run) => progress(file, done, total, run.counts.received) });
    } else if (format === 'hl7') {
      report = await importHl7(ctx(), readFileSync(file), { source: values.source!, channel: 'cli' });
    } else {
      report = await importFhir(ctx(), JSON.parse(readFileSync(file, 'utf8')) as unknown, { source: values.source!, channel: 'cli' });
    }
    progress(file, 1, 1, report.received);
    if (tty) process.stderr.write('\n');
    const { problems, ...counts } = report;
    process.stdout.write(`${file}: ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
    for (const p of problems) process.stdout.write(`  quarantined ${p.position}: ${p.reason}\n`);
  } catch (error) {
    failed = true;
    const message = error instanceof AppError ? error.detail : error instanceof SyntaxError ? `not valid JSON: ${error.message}` : String((error as Error).message ?? error);
    process.stdout.write(`${file}: not imported: ${message}\n`);
  }
}
db.$client.close();
process.exit(failed ? 1 : 0);
