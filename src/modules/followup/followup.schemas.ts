import { z } from 'zod';
import { PageQuery } from '../../lib/pagination.js';

const QuestionnaireRef = z.strictObject({
  url: z.string().trim().min(1).max(500),
  version: z.string().max(64).optional().describe('Default: the current version of the url'),
});

export const InvitationBody = z
  .strictObject({
    patientId: z.string().min(1).max(64),
    questionnaire: QuestionnaireRef,
    encounterId: z.string().min(1).max(64).optional(),
    departmentId: z.string().min(1).max(64).optional().describe('Default: the encounter’s department, else yours'),
    doctorId: z.string().min(1).max(64).optional(),
    expiresAt: z.iso.datetime({ offset: true }).optional().describe('Default: now + HCRM_INVITATION_DAYS'),
    purpose: z.enum(['satisfaction', 'followup', 'research', 'screening']).default('followup'),
  })
  .meta({ id: 'InvitationBody' });
export type InvitationBody = z.infer<typeof InvitationBody>;

export const CreatedInvitation = z
  .object({
    id: z.string(),
    questionnaireId: z.string(),
    token: z.string().describe('Shown once; only its keyed hash is stored'),
    link: z.string().describe('The single-use link to send through messaging'),
    expiresAt: z.string(),
  })
  .meta({ id: 'CreatedInvitation' });

export const RecordResponseBody = z
  .strictObject({
    patientId: z.string().min(1).max(64),
    questionnaire: QuestionnaireRef,
    encounterId: z.string().min(1).max(64).optional(),
    departmentId: z.string().min(1).max(64).optional(),
    doctorId: z.string().min(1).max(64).optional(),
    answers: z
      .record(z.string().max(200), z.union([z.string().max(10_000), z.number(), z.boolean(), z.object({ system: z.string().max(500).optional(), code: z.string().max(200) }), z.array(z.unknown()).max(50)]))
      .describe('linkId → a value or a list of values (repeating items); codings by code or {system, code}'),
  })
  .meta({ id: 'RecordResponseBody' });
export type RecordResponseBody = z.infer<typeof RecordResponseBody>;

export const RecordedResponse = z.object({ id: z.string(), totalScore: z.number().nullable() }).meta({ id: 'RecordedResponse' });

export const QuestionnaireSummary = z.object({
  url: z.string(),
  title: z.string(),
  titleEn: z.string(),
  versions: z.array(z.object({ id: z.string(), version: z.string(), current: z.boolean(), status: z.string(), items: z.number().int() })),
});
export type QuestionnaireSummary = z.infer<typeof QuestionnaireSummary>;
export const QuestionnaireList = z.object({ items: z.array(QuestionnaireSummary) }).meta({ id: 'QuestionnaireList' });

export const QuestionnaireDetail = z
  .object({ id: z.string(), url: z.string(), version: z.string(), current: z.boolean(), definition: z.record(z.string(), z.unknown()).describe('The FHIR R4 Questionnaire') })
  .meta({ id: 'QuestionnaireDetail' });
export type QuestionnaireDetail = z.infer<typeof QuestionnaireDetail>;

export const QuestionnaireIdParams = z.object({ id: z.string().min(1).max(64) });

const Instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()]).transform((v) => new Date(v).toISOString());

export const ResponseListQuery = PageQuery.extend({
  patientId: z.string().min(1).max(64).optional(),
  questionnaire: z.string().min(1).max(600).optional().describe('url, or url|version'),
  from: Instant.optional().describe('Authored at or after (ISO date or instant)'),
  to: Instant.optional().describe('Authored before'),
});
export type ResponseListQuery = z.infer<typeof ResponseListQuery>;

export const ResponseSummary = z.object({
  id: z.string(),
  questionnaire: z.object({ id: z.string(), url: z.string(), version: z.string() }),
  patientId: z.string(),
  encounterId: z.string().nullable(),
  departmentId: z.string().nullable(),
  doctorId: z.string().nullable(),
  source: z.enum(['patient', 'staff']),
  authoredAt: z.string(),
  totalScore: z.number().nullable(),
  subScores: z.object({ byGroup: z.record(z.string(), z.number()), byTag: z.record(z.string(), z.number()) }),
  satisfaction: z.number().nullable(),
  nps: z.number().nullable(),
  resource: z.record(z.string(), z.unknown()).describe('The FHIR R4 QuestionnaireResponse'),
});
export type ResponseSummary = z.infer<typeof ResponseSummary>;
export const ResponsePage = z.object({ items: z.array(ResponseSummary), nextCursor: z.string().nullable() }).meta({ id: 'ResponsePage' });

export const ExportQuery = z.object({
  questionnaire: z.string().min(1).max(600).describe('url|version (a bare url: its current version)'),
  format: z.enum(['csv', 'fhir']).default('csv'),
  from: Instant.optional(),
  to: Instant.optional(),
});
export type ExportQuery = z.infer<typeof ExportQuery>;
export const ExportBody = z.string().describe('CSV (UTF-8 with BOM, one column per item) or a FHIR Bundle of QuestionnaireResponses');
