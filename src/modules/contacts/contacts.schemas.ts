import { z } from 'zod';
import { PageQuery } from '../../lib/pagination.js';

const id = z.string().min(1).max(64);
export const CONTACT_KINDS = ['call_in', 'call_out', 'sms', 'email', 'letter', 'visit'] as const;
export const OUTCOMES = ['reached', 'no_answer', 'busy', 'wrong_number', 'number_invalid', 'refused'] as const;

export const CreateContactBody = z
  .object({
    patientId: id,
    kind: z.enum(CONTACT_KINDS),
    at: z.iso.datetime({ offset: true }).optional().describe('When it happened; now if omitted'),
    durationSeconds: z.number().int().min(0).max(86_400).optional(),
    address: z.string().trim().max(200).optional().describe('The number or address used'),
    outcome: z.enum(OUTCOMES),
    nextAction: z.string().trim().max(500).optional(),
    summary: z.string().trim().max(4000).optional(),
    consultationId: id.optional(),
    feedbackId: id.optional(),
  })
  .strict();
export type CreateContactBody = z.infer<typeof CreateContactBody>;

export const Contact = z
  .object({
    id: z.string(),
    source: z.enum(['log', 'outbox']).describe('outbox: a message from messaging, listed here without a copy'),
    patientId: z.string(),
    kind: z.string(),
    staffId: z.string().nullable(),
    at: z.string(),
    durationSeconds: z.number().nullable(),
    address: z.string().nullable(),
    outcome: z.string().nullable(),
    nextAction: z.string().nullable(),
    summary: z.string().nullable(),
    qualityScore: z.number().nullable(),
    qualityNote: z.string().nullable(),
    recordings: z.array(z.object({ id: z.string(), size: z.number(), mediaType: z.string(), sha256: z.string() })),
  })
  .meta({ id: 'Contact' });
export type Contact = z.infer<typeof Contact>;

export const ContactIdParams = z.object({ id });
export const ContactSearchQuery = PageQuery.extend({
  patientId: id.optional(),
  staffId: id.optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
}).strict();
export type ContactSearchQuery = z.infer<typeof ContactSearchQuery>;
export const ContactPage = z.object({ items: z.array(Contact), nextCursor: z.string().nullable() });
export const ReviewBody = z.object({ score: z.number().int().min(1).max(5), note: z.string().trim().max(1000).optional() }).strict();
export const Recording = z.object({ id: z.string(), contactId: z.string(), size: z.number(), mediaType: z.string(), sha256: z.string(), retainUntil: z.string() }).meta({ id: 'Recording' });
export const RecordingIdParams = z.object({ id });
