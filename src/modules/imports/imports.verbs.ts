import { Readable } from 'node:stream';
import type { ServiceContext } from '../../lib/context.js';
import { Invalid } from '../../lib/errors.js';
import { decodeCursor, pageOf } from '../../lib/pagination.js';
import { inReadSnapshot, inTransaction } from '../../lib/transaction.js';
import { authorize } from '../staff/permissions.js';
import { adaptCsv, CsvHeaderError } from './adapters/csv/index.js';
import { loadMapping, type CsvMapping } from './adapters/csv/mapping.js';
import { adaptFhir } from './adapters/fhir/mapper.js';
import { adaptHl7 } from './adapters/hl7/index.js';
import type { ImportFormat, Mapped } from './canonical.js';
import { quarantineNotFound, retryFailed } from './imports.errors.js';
import * as repo from './imports.repository.js';
import { applyBatch, applyBatchIn, finishRun, inImportTransaction, startRun, type ImportReport, type ImportRun } from './imports.service.js';

/**
 * The import verbs every entry point calls (HTTP, CLI, MLLP): adapter → applyBatch → stored report, and the
 * quarantine's list, retry and discard.
 */
export type Channel = ImportRun['channel'];
const CSV_BATCH = 5000;

export async function importHl7(ctx: ServiceContext, bytes: Buffer, o: { source: string; channel: Channel }): Promise<ImportReport> {
  authorize(ctx, 'imports.run');
  const run = startRun(ctx, 'hl7', o.source, o.channel);
  applyBatch(ctx, run, [...adaptHl7(bytes, { source: o.source, timeZone: ctx.timeZone })]);
  return finishRun(ctx, run);
}

export async function importFhir(ctx: ServiceContext, json: unknown, o: { source: string; channel: Channel }): Promise<ImportReport> {
  authorize(ctx, 'imports.run');
  const run = startRun(ctx, 'fhir', o.source, o.channel);
  applyBatch(ctx, run, adaptFhir(json, { source: o.source, timeZone: ctx.timeZone, now: ctx.now }));
  return finishRun(ctx, run);
}

/**
 * Streams CSV rows through the pipeline in batches of five thousand rows, one transaction each, so memory stays
 * flat whatever the file's size (a batch of a thousand spent a sixth more CPU per row on commits and catch-ups). `onProgress` gets the bytes read so far (the CLI's progress bar).
 */
export async function importCsv(
  ctx: ServiceContext,
  input: Readable,
  o: { source: string; channel: Channel; mapping: string | CsvMapping; mappingName?: string; encoding?: CsvMapping['encoding'] | undefined; onBatch?: (run: ImportRun) => void },
): Promise<ImportReport> {
  authorize(ctx, 'imports.run');
  const mapping = typeof o.mapping === 'string' ? loadMapping(o.mapping, { allowPath: o.channel === 'cli' }) : o.mapping;
  const run = startRun(ctx, 'csv', o.source, o.channel, o.mappingName ?? (typeof o.mapping === 'string' ? o.mapping : undefined));
  let batch: (Mapped & { header: string })[] = [];
  try {
    for await (const row of adaptCsv(input, { source: o.source, mapping, encoding: o.encoding, timeZone: ctx.timeZone, now: ctx.now })) {
      batch.push(row);
      if (batch.length >= CSV_BATCH) {
        applyBatch(ctx, run, batch);
        batch = [];
        o.onBatch?.(run);
      }
    }
  } catch (error) {
    if (error instanceof CsvHeaderError) throw new Invalid('imports.csv_header', `CSV line 1: ${error.message}`, [{ field: 'line 1', code: 'missing_column', message: error.message }]);
    if (error instanceof Error && 'code' in error && typeof error.code === 'string' && error.code.startsWith('CSV_')) {
      // A file that stops being CSV half-way: what came before is in; the report says where it broke.
      applyBatch(ctx, run, batch);
      throw new Invalid('imports.csv_malformed', `The CSV is malformed: ${error.message}. ${run.counts.received} rows before it were imported (run ${run.id}).`, [{ field: 'body', code: 'malformed', message: error.message }]);
    }
    throw error;
  }
  applyBatch(ctx, run, batch);
  o.onBatch?.(run);
  return finishRun(ctx, run);
}

export async function listQuarantined(ctx: ServiceContext, q: { status?: repo.QuarantineRow['status'] | undefined; source?: string | undefined; format?: ImportFormat | undefined; limit: number; cursor?: string | undefined }) {
  authorize(ctx, 'imports.quarantine');
  const beforeId = decodeCursor(q.cursor, 1)?.[0] as string | undefined;
  const rows = inReadSnapshot(ctx, (tx) => repo.listQuarantine(tx, { status: q.status, source: q.source, format: q.format, beforeId }, q.limit + 1));
  return pageOf(rows, q.limit, (r) => [r.id]);
}

/**
 * Imports the corrected content of a quarantined record. It goes in whole or not at all: if it still fails, the
 * record stays in quarantine as it was and the answer says why.
 */
export async function retryQuarantined(ctx: ServiceContext, id: string, raw: string): Promise<ImportReport> {
  authorize(ctx, 'imports.quarantine');
  const row = inReadSnapshot(ctx, (tx) => repo.findQuarantine(tx, id));
  if (!row || row.status !== 'open') throw quarantineNotFound(id);
  const mapped = await adaptOne(ctx, row, raw);
  const failed = mapped.find((m) => !m.ok);
  if (failed && !failed.ok) throw retryFailed(failed.rejected.code, failed.rejected.reason);
  const run = startRun(ctx, row.format, row.source, 'retry', row.mapping ?? undefined);
  inImportTransaction(ctx, (tx) => {
    const results = applyBatchIn(tx, ctx, run, mapped);
    const problem = results.find((r) => r.problem)?.problem;
    if (problem) throw retryFailed(problem.code, problem.reason);
    repo.resolveQuarantine(tx, id, 'retried', ctx.now.toISOString(), `${ctx.actor.kind}:${ctx.actor.id}`);
  });
  return finishRun(ctx, run);
}

export async function discardQuarantined(ctx: ServiceContext, id: string): Promise<repo.QuarantineRow> {
  authorize(ctx, 'imports.quarantine');
  return inTransaction(ctx, (tx) => {
    if (!repo.resolveQuarantine(tx, id, 'discarded', ctx.now.toISOString(), `${ctx.actor.kind}:${ctx.actor.id}`)) throw quarantineNotFound(id);
    return repo.findQuarantine(tx, id)!;
  });
}

async function adaptOne(ctx: ServiceContext, row: repo.QuarantineRow, raw: string): Promise<Mapped[]> {
  if (row.format === 'hl7') return [...adaptHl7(Buffer.from(raw, 'utf8'), { source: row.source, timeZone: ctx.timeZone })];
  if (row.format === 'fhir') {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      throw retryFailed('fhir.malformed_json', (error as Error).message);
    }
    return adaptFhir(json, { source: row.source, timeZone: ctx.timeZone, now: ctx.now });
  }
  const mapping = loadMapping(row.mapping ?? '', { allowPath: true });
  const out: Mapped[] = [];
  for await (const m of adaptCsv(Readable.from([Buffer.from(`${row.context ?? ''}\n${raw}\n`, 'utf8')]), { source: row.source, mapping, encoding: 'utf8', timeZone: ctx.timeZone, now: ctx.now })) out.push(m);
  return out;
}
