import { z } from 'zod';
import { PageQuery } from '../../lib/pagination.js';

export const ImportFormat = z.enum(['hl7', 'fhir', 'csv']);
const sourceName = z.string().regex(/^[A-Za-z0-9._-]{1,50}$/, 'must be 1–50 letters, digits, dot, dash or underscore');

export const Hl7ImportQuery = z.strictObject({ source: sourceName.default('hl7') });
export const FhirImportQuery = z.strictObject({ source: sourceName.default('fhir') });
export const CsvImportQuery = z.strictObject({
  source: sourceName.default('csv'),
  mapping: z.string().regex(/^[a-z0-9-]{1,50}$/, 'must be the name of a mapping file, like his-patients').default('his-patients'),
  encoding: z.enum(['utf8', 'gbk', 'gb18030']).optional().describe('Overrides the mapping\'s encoding'),
});

export const ImportReport = z
  .object({
    id: z.string(),
    format: ImportFormat,
    source: z.string(),
    received: z.number().int(),
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    linked: z.number().int(),
    review: z.number().int().describe('Sent to review (e.g. HL7 A40 merges)'),
    quarantined: z.number().int(),
    durationMs: z.number().int(),
    problems: z.array(z.object({ position: z.string(), code: z.string(), reason: z.string(), quarantineId: z.string().nullable() })).describe('The first 100 quarantined records'),
  })
  .meta({ id: 'ImportReport' });

export const QuarantineQuery = PageQuery.extend({
  status: z.enum(['open', 'review', 'retried', 'discarded']).optional(),
  source: z.string().max(50).optional(),
  format: ImportFormat.optional(),
}).strict();

export const QuarantinedRecord = z
  .object({
    id: z.string(),
    runId: z.string(),
    format: ImportFormat,
    source: z.string(),
    mapping: z.string().nullable(),
    position: z.string(),
    raw: z.string().describe('The record exactly as received'),
    code: z.string(),
    reason: z.string(),
    status: z.enum(['open', 'review', 'retried', 'discarded']),
    createdAt: z.string(),
    resolvedAt: z.string().nullable(),
    resolvedBy: z.string().nullable(),
  })
  .meta({ id: 'QuarantinedRecord' });
export const QuarantinePage = z.object({ items: z.array(QuarantinedRecord), nextCursor: z.string().nullable() });
export const QuarantineParams = z.strictObject({ id: z.string().min(1).max(64) });
export const RetryBody = z.strictObject({ raw: z.string().min(1).max(5_000_000).describe('The corrected record: an HL7 message, FHIR JSON, or one CSV row') });
