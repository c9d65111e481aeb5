import type { ServiceContext } from '../../lib/context.js';
import { decodeCursor, pageOf } from '../../lib/pagination.js';
import { inReadSnapshot } from '../../lib/transaction.js';
import { auditRead } from '../audit/audit.reads.js';
import { canSeeClinical } from '../patients/patients.access.js';
import { authorize, type StaffActor } from '../staff/permissions.js';
import { questionnaireNotFound, patientNotFound, unknownQuestionnaire } from './followup.errors.js';
import { CSV_BOM, csvHeader, csvRows } from './followup.export.js';
import * as repo from './followup.repository.js';
import type { ExportQuery, QuestionnaireDetail, QuestionnaireSummary, ResponseListQuery, ResponseSummary } from './followup.schemas.js';
import { titleOf } from './questionnaire/catalog.js';
import { flattenItems } from './questionnaire/fhir.js';

export async function listQuestionnaires(ctx: ServiceContext): Promise<{ items: QuestionnaireSummary[] }> {
  authorize(ctx, 'questionnaires.read');
  const byUrl = new Map<string, QuestionnaireSummary>();
  for (const entry of ctx.questionnaires.all()) {
    let summary = byUrl.get(entry.url);
    if (!summary) byUrl.set(entry.url, (summary = { url: entry.url, title: titleOf(entry.definition, 'zh-CN'), titleEn: titleOf(entry.definition, 'en'), versions: [] }));
    summary.versions.push({ id: entry.id, version: entry.version, current: entry.current, status: entry.definition.status, items: flattenItems(entry.definition.item).length });
  }
  return { items: [...byUrl.values()] };
}

export async function getQuestionnaire(ctx: ServiceContext, id: string): Promise<QuestionnaireDetail> {
  authorize(ctx, 'questionnaires.read');
  const entry = ctx.questionnaires.byId(id);
  if (!entry) throw questionnaireNotFound(`with id ${id}`);
  return { id: entry.id, url: entry.url, version: entry.version, current: entry.current, definition: entry.definition as unknown as Record<string, unknown> };
}

/** `url` or `url|version` → the catalog ids it names (every version for a bare url). */
function questionnaireIdsOf(ctx: ServiceContext, ref: string): string[] {
  const [url, version] = splitRef(ref);
  const ids = ctx.questionnaires.all().filter((e) => e.url === url && (version === undefined || e.version === version)).map((e) => e.id);
  if (ids.length === 0) throw unknownQuestionnaire(url, version);
  return ids;
}

function splitRef(ref: string): [string, string | undefined] {
  const bar = ref.lastIndexOf('|');
  return bar < 0 ? [ref, undefined] : [ref.slice(0, bar), ref.slice(bar + 1)];
}

/**
 * Department scope of answers, as of clinical data: admins see all; others a named patient their department has
 * seen (else 404), or without a patient only their own department's responses.
 */
function scopeOf(ctx: ServiceContext, actor: StaffActor, patientId: string | undefined): { departmentId?: string } | 'nothing' {
  if (actor.role === 'admin') return {};
  if (patientId) {
    const seen = inReadSnapshot(ctx, (tx) => canSeeClinical(tx, actor, patientId));
    if (!seen) throw patientNotFound(patientId);
    return {};
  }
  return actor.departmentId ? { departmentId: actor.departmentId } : 'nothing';
}

export async function listResponses(ctx: ServiceContext, query: ResponseListQuery): Promise<{ items: ResponseSummary[]; nextCursor: string | null }> {
  const actor = authorize(ctx, 'questionnaires.responses.read');
  const scope = scopeOf(ctx, actor, query.patientId);
  const before = decodeCursor(query.cursor, 2) as [string, string] | undefined;
  const questionnaireIds = query.questionnaire ? questionnaireIdsOf(ctx, query.questionnaire) : undefined;
  const rows =
    scope === 'nothing'
      ? []
      : inReadSnapshot(ctx, (tx) => repo.findResponses(tx, { patientId: query.patientId, questionnaireIds, from: query.from, to: query.to, ...scope }, before, query.limit + 1));
  const page = pageOf(rows, query.limit, (r) => [r.authoredAt, r.id]);
  const items = page.items.map((r): ResponseSummary => {
    const entry = ctx.questionnaires.byId(r.questionnaireId)!;
    return {
      id: r.id,
      questionnaire: { id: entry.id, url: entry.url, version: entry.version },
      patientId: r.patientId,
      encounterId: r.encounterId,
      departmentId: r.departmentId,
      doctorId: r.doctorId,
      source: r.source,
      authoredAt: r.authoredAt,
      totalScore: r.totalScore,
      subScores: r.subScores,
      satisfaction: r.satisfaction,
      nps: r.nps,
      resource: JSON.parse(r.fhir) as Record<string, unknown>,
    };
  });
  await auditRead(ctx, { action: 'questionnaire.response.list', entityType: 'questionnaire_response', patientId: query.patientId ?? null, detail: { returned: items.map((i) => i.id) } });
  return { items, nextCursor: page.nextCursor };
}

/**
 * One questionnaire version's responses as CSV (UTF-8 with BOM, a column per item) or a FHIR Bundle. A bare url
 * exports its current version, since another version's items make other columns.
 */
export async function exportResponses(ctx: ServiceContext, query: ExportQuery): Promise<{ contentType: string; filename: string; body: string }> {
  const actor = authorize(ctx, 'questionnaires.responses.export');
  const [url, version] = splitRef(query.questionnaire);
  const entry = ctx.questionnaires.find(url, version);
  if (!entry) throw unknownQuestionnaire(url, version);
  const scope = scopeOf(ctx, actor, undefined);
  const filter = { questionnaireIds: [entry.id], from: query.from, to: query.to, ...(scope === 'nothing' ? { departmentId: '\u0000none' } : scope) };
  const base = `${(entry.definition.name ?? 'questionnaire').replace(/[^\w.-]+/g, '_')}-${entry.version || 'unversioned'}`;
  let count = 0;
  let result: { contentType: string; filename: string; body: string };
  if (query.format === 'csv') {
    const { columns, linkIds } = csvHeader(entry.definition);
    const parts = [CSV_BOM, `${columns.join(',')}\r\n`];
    inReadSnapshot(ctx, (tx) => {
      for (const rows of repo.responsesInBatches(tx, filter, 1000)) {
        count += rows.length;
        parts.push(csvRows(linkIds, entry.version, rows, repo.answersOf(tx, rows.map((r) => r.id))));
      }
    });
    result = { contentType: 'text/csv; charset=utf-8', filename: `${base}.csv`, body: parts.join('') };
  } else {
    const entries: string[] = [];
    inReadSnapshot(ctx, (tx) => {
      for (const rows of repo.responsesInBatches(tx, filter, 1000)) {
        count += rows.length;
        for (const r of rows) entries.push(`{"fullUrl":"urn:uuid:${r.id}","resource":${r.fhir}}`);
      }
    });
    const body = `{"resourceType":"Bundle","type":"collection","timestamp":"${ctx.now.toISOString()}","total":${count},"entry":[${entries.join(',')}]}`;
    result = { contentType: 'application/fhir+json; charset=utf-8', filename: `${base}.json`, body };
  }
  await auditRead(ctx, { action: 'questionnaire.response.export', entityType: 'questionnaire_response', detail: { questionnaire: entry.url, version: entry.version, format: query.format, count } });
  return result;
}

export interface SatisfactionFigure {
  departmentId: string | null;
  month: string;
  responses: number;
  /** Mean overall satisfaction (the tagged item's score), null without answers. */
  satisfactionMean: number | null;
  /** Net promoter score, −100 … 100: % promoters (9–10) − % detractors (0–6). */
  nps: number | null;
}

/** Satisfaction mean and NPS per department and month (YYYY-MM), read from the rollup the responses keep current. */
export async function satisfactionByDepartmentMonth(ctx: ServiceContext, query: { fromMonth: string; toMonth: string; questionnaireUrl?: string }): Promise<SatisfactionFigure[]> {
  const actor = authorize(ctx, 'questionnaires.responses.read');
  const departmentId = actor.role === 'admin' ? undefined : (actor.departmentId ?? '\u0000none');
  const rows = inReadSnapshot(ctx, (tx) => repo.satisfactionByDepartmentMonth(tx, { url: query.questionnaireUrl, departmentId, fromMonth: query.fromMonth, toMonth: query.toMonth }));
  return rows.map(toFigure);
}

export function toFigure(r: repo.SatisfactionRow): SatisfactionFigure {
  return {
    departmentId: r.departmentId || null,
    month: r.month,
    responses: r.responses,
    satisfactionMean: r.satisfactionCount > 0 ? r.satisfactionSum / r.satisfactionCount : null,
    nps: r.npsCount > 0 ? Math.round(((r.promoters - r.detractors) * 1000) / r.npsCount) / 10 : null,
  };
}

/**
 * The low_satisfaction and complaint events not yet taken up, oldest first. The feedback module polls this from a
 * job and marks what it handled in the transaction that opens its case, so an event is taken once.
 */
export async function pendingFollowupEvents(ctx: ServiceContext, options: { limit: number }): Promise<repo.EventRow[]> {
  authorize(ctx, 'questionnaires.responses.read');
  return inReadSnapshot(ctx, (tx) => repo.pendingEvents(tx, options.limit));
}

export function markFollowupEventsHandled(tx: Parameters<typeof repo.markEventsHandled>[0], ctx: ServiceContext, ids: string[]): number {
  return repo.markEventsHandled(tx, ids, ctx.now.toISOString(), `${ctx.actor.kind}:${ctx.actor.id}`);
}


/** The satisfaction score of the patient's latest scored response (at-risk rule of feedback), or null. */
export function lastSatisfactionOf(tx: Parameters<typeof repo.markEventsHandled>[0], patientId: string): number | null {
  return repo.lastSatisfactionOf(tx, patientId);
}
