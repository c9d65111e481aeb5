import { z } from 'zod';
import { PageQuery } from '../../lib/pagination.js';

export const AuditQuery = PageQuery.extend({
  patientId: z.string().max(64).optional(),
  actorId: z.string().max(64).optional(),
  from: z.iso.datetime().optional().describe('Earliest instant, ISO-8601'),
  to: z.iso.datetime().optional().describe('Latest instant, ISO-8601'),
}).strict();
export type AuditQuery = z.infer<typeof AuditQuery>;

export const AuditEntry = z.object({
  seq: z.number().int(),
  id: z.string(),
  at: z.string(),
  actorKind: z.string(),
  actorId: z.string(),
  actorRole: z.string().nullable(),
  action: z.string(),
  patientId: z.string().nullable(),
  entityType: z.string(),
  entityId: z.string().nullable(),
  ip: z.string().nullable(),
  requestId: z.string(),
  reason: z.string().nullable(),
  detail: z.string().nullable(),
  hash: z.string(),
});

export const AuditPage = z.object({ items: z.array(AuditEntry), nextCursor: z.string().nullable() });
