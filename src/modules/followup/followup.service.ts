import type { Tx } from '../../../db/client.js';
import { localDate } from '../../lib/clock.js';
import { actingAs, type ServiceContext } from '../../lib/context.js';
import { Forbidden, Invalid, TooLarge } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { inReadSnapshot, inTransaction } from '../../lib/transaction.js';
import { audit } from '../audit/audit.service.js';
import { canSeeClinical } from '../patients/patients.access.js';
import { encounterRef, patientRef } from '../patients/patients.service.js';
import { authorize, type StaffActor } from '../staff/permissions.js';
import {
  encounterMismatch,
  invalidAnswers,
  invitationExpired,
  invitationNotFound,
  invitationUsed,
  patientNotFound,
  unknownQuestionnaire,
} from './followup.errors.js';
import * as repo from './followup.repository.js';
import { invitationIdByLinkHash } from './invitations/invitations.repository.js';
import type { InvitationBody, RecordResponseBody } from './followup.schemas.js';
import { newInvitationToken, tokenHashOf } from './followup.tokens.js';
import { checkAnswers } from './questionnaire/answers.js';
import type { CatalogEntry } from './questionnaire/catalog.js';
import { flattenItems } from './questionnaire/fhir.js';
import { flattenAnswers, toQuestionnaireResponse } from './questionnaire/response.js';
import { scoreResponse, type Scores } from './questionnaire/scoring.js';

export type InvitationPurpose = 'satisfaction' | 'followup' | 'research' | 'screening';

export interface CreateInvitationInput {
  patientId: string;
  questionnaire: { url: string; version?: string | undefined };
  encounterId?: string | null | undefined;
  /** Default: the encounter's department and attending doctor. */
  departmentId?: string | null | undefined;
  doctorId?: string | null | undefined;
  /** Default: now + HCRM_INVITATION_DAYS. */
  expiresAt?: string | undefined;
  purpose: InvitationPurpose;
}

export interface CreatedInvitation {
  id: string;
  questionnaireId: string;
  /** The plain token: returned here once and never stored. */
  token: string;
  /** `${HCRM_PUBLIC_URL}/q/<token>`: what the caller sends through the outbox. */
  link: string;
  expiresAt: string;
}

/**
 * Creates a single-use link inside the caller's transaction (follow-up plans call this while scheduling their
 * steps). It checks the questionnaire, patient and encounter and audits; the caller has checked who may invite
 * and sends the link, after commit, through messaging.
 */
export function createInvitation(tx: Tx, ctx: ServiceContext, input: CreateInvitationInput): CreatedInvitation {
  const entry = ctx.questionnaires.find(input.questionnaire.url, input.questionnaire.version);
  if (!entry) throw unknownQuestionnaire(input.questionnaire.url, input.questionnaire.version);
  const patient = patientRef(tx, input.patientId);
  if (!patient?.active) throw patientNotFound(input.patientId);
  const visit = linkToVisit(tx, input.patientId, input);
  const expiresAt = input.expiresAt ? new Date(input.expiresAt) : new Date(ctx.now.getTime() + ctx.followup.invitationDays * 86_400_000);
  if (!(expiresAt.getTime() > ctx.now.getTime())) {
    throw new Invalid('questionnaires.invalid_expiry', 'expiresAt must lie in the future.', [{ field: 'expiresAt', code: 'in_past', message: 'must lie in the future' }]);
  }
  const token = newInvitationToken();
  const id = newId();
  repo.insertInvitation(tx, {
    id,
    tokenHash: tokenHashOf(ctx, token)!,
    patientId: input.patientId,
    questionnaireId: entry.id,
    ...visit,
    purpose: input.purpose,
    status: 'open',
    expiresAt: expiresAt.toISOString(),
    createdAt: ctx.now.toISOString(),
    createdBy: `${ctx.actor.kind}:${ctx.actor.id}`,
  });
  audit(tx, ctx, { action: 'questionnaire.invitation.create', entityType: 'questionnaire_invitation', entityId: id, patientId: input.patientId, detail: { questionnaire: entry.url, version: entry.version, purpose: input.purpose } });
  return { id, questionnaireId: entry.id, token, link: `${ctx.followup.publicUrl.replace(/\/$/, '')}/q/${token}`, expiresAt: expiresAt.toISOString() };
}

/** POST /api/questionnaire-invitations: a staff member invites a patient their department has seen. */
export async function inviteToQuestionnaire(ctx: ServiceContext, body: InvitationBody): Promise<CreatedInvitation> {
  const actor = authorize(ctx, 'questionnaires.invite');
  return inTransaction(ctx, (tx) => {
    const departmentId = body.departmentId ?? actor.departmentId;
    assertDepartmentScope(tx, actor, body.patientId, departmentId);
    return createInvitation(tx, ctx, { ...body, departmentId });
  });
}

export interface RecordResponseInput {
  questionnaireId: string;
  patientId: string;
  encounterId?: string | null | undefined;
  departmentId?: string | null | undefined;
  doctorId?: string | null | undefined;
  /** Closes this invitation (else questionnaires.invitation_used): for staff answering a link on the patient's behalf. */
  invitationId?: string | null | undefined;
  /** linkId → a value or a list of values, as a form or JSON sends them; checked and typed here. */
  answers: Record<string, unknown>;
  source: 'patient' | 'staff';
  disabledAnswers: 'drop' | 'refuse';
}

/**
 * Checks, scores and stores one response inside the caller's transaction: the FHIR QuestionnaireResponse, one
 * row per answer, the satisfaction rollup, and a low_satisfaction or complaint event for the feedback module.
 * Throws questionnaires.invalid_answers with a field error per problem.
 */
export function recordResponse(tx: Tx, ctx: ServiceContext, input: RecordResponseInput): { id: string; scores: Scores } {
  const entry = ctx.questionnaires.byId(input.questionnaireId);
  if (!entry) throw unknownQuestionnaire(input.questionnaireId);
  const checked = checkAnswers(entry.definition, input.answers, { disabledAnswers: input.disabledAnswers });
  if (checked.errors.length > 0) throw invalidAnswers(checked.errors);
  const scores = scoreResponse(entry.definition, checked.answers);
  // An invitation answered here (by the patient, or by staff on a call) is closed here: one response per link.
  if (input.invitationId && !repo.markAnswered(tx, input.invitationId, ctx.now.toISOString())) throw invitationUsed();
  const id = newId();
  const authoredAt = ctx.now.toISOString();
  const month = localDate(ctx.now, ctx.timeZone).slice(0, 7);
  const source = input.source === 'patient' || ctx.actor.kind !== 'staff' ? ({ kind: 'patient' } as const) : ({ kind: 'staff', id: ctx.actor.id } as const);
  const fhir = toQuestionnaireResponse(entry.definition, entry.version, checked.answers, scores, { id, patientId: input.patientId, encounterId: input.encounterId ?? null, authored: authoredAt, source });
  repo.insertResponse(
    tx,
    {
      id,
      questionnaireId: entry.id,
      invitationId: input.invitationId ?? null,
      patientId: input.patientId,
      encounterId: input.encounterId ?? null,
      departmentId: input.departmentId ?? null,
      doctorId: input.doctorId ?? null,
      source: input.source,
      recordedBy: `${ctx.actor.kind}:${ctx.actor.id}`,
      authoredAt,
      month,
      totalScore: scores.total,
      subScores: { byGroup: scores.byGroup, byTag: scores.byTag },
      satisfaction: scores.satisfaction,
      nps: scores.nps,
      fhir: JSON.stringify(fhir),
    },
    flattenAnswers(entry.definition, checked.answers, scores),
  );
  repo.bumpRollup(tx, { url: entry.url, departmentId: input.departmentId ?? null, month }, scores.satisfaction, scores.nps);
  raiseEvents(tx, ctx, entry, { id, patientId: input.patientId, departmentId: input.departmentId ?? null, doctorId: input.doctorId ?? null }, scores);
  audit(tx, ctx, { action: 'questionnaire.response.record', entityType: 'questionnaire_response', entityId: id, patientId: input.patientId, detail: { questionnaire: entry.url, version: entry.version, source: input.source } });
  return { id, scores };
}

function raiseEvents(tx: Tx, ctx: ServiceContext, entry: CatalogEntry, response: { id: string; patientId: string; departmentId: string | null; doctorId: string | null }, scores: Scores): void {
  const kinds: ('low_satisfaction' | 'complaint')[] = [];
  if (scores.satisfaction !== null && scores.satisfaction <= ctx.followup.lowSatisfactionScore) kinds.push('low_satisfaction');
  if (scores.complaint) kinds.push('complaint');
  for (const kind of kinds) {
    repo.insertEvent(tx, { id: newId(), kind, responseId: response.id, patientId: response.patientId, departmentId: response.departmentId, doctorId: response.doctorId, questionnaireUrl: entry.url, satisfaction: scores.satisfaction, nps: scores.nps, createdAt: ctx.now.toISOString() });
  }
}

/** POST /api/questionnaire-responses: a staff member enters the answers a patient gave (on a follow-up call). */
export async function recordResponseForPatient(ctx: ServiceContext, body: RecordResponseBody): Promise<{ id: string; totalScore: number | null }> {
  const actor = authorize(ctx, 'questionnaires.responses.record');
  const entry = ctx.questionnaires.find(body.questionnaire.url, body.questionnaire.version);
  if (!entry) throw unknownQuestionnaire(body.questionnaire.url, body.questionnaire.version);
  return inTransaction(ctx, (tx) => {
    const departmentId = body.departmentId ?? actor.departmentId;
    assertDepartmentScope(tx, actor, body.patientId, departmentId);
    if (!patientRef(tx, body.patientId)?.active) throw patientNotFound(body.patientId);
    const visit = linkToVisit(tx, body.patientId, { ...body, departmentId });
    const { id, scores } = recordResponse(tx, ctx, { questionnaireId: entry.id, patientId: body.patientId, ...visit, answers: body.answers, source: 'staff', disabledAnswers: 'refuse' });
    return { id, totalScore: scores.total };
  });
}

function linkToVisit(tx: Tx, patientId: string, input: { encounterId?: string | null | undefined; departmentId?: string | null | undefined; doctorId?: string | null | undefined }) {
  if (!input.encounterId) return { encounterId: null, departmentId: input.departmentId ?? null, doctorId: input.doctorId ?? null };
  const encounter = encounterRef(tx, patientId, input.encounterId);
  if (!encounter) throw encounterMismatch();
  return { encounterId: input.encounterId, departmentId: input.departmentId ?? encounter.departmentId, doctorId: input.doctorId ?? encounter.doctorId };
}

/** Clinical staff act for their own department and for patients it has seen; admins for anyone. */
function assertDepartmentScope(tx: Tx, actor: StaffActor, patientId: string, departmentId: string | null): void {
  if (actor.role === 'admin') return;
  if (departmentId !== actor.departmentId) throw new Forbidden('followup.department_scope', 'You may act only for your own department.');
  if (!canSeeClinical(tx, actor, patientId)) throw patientNotFound(patientId);
}

// ——— The patient's side: everything below is reached with a token, never a session. ———

export interface OpenInvitation {
  invitationId: string;
  patientId: string;
  entry: CatalogEntry;
  draft: Record<string, string[]> | null;
  expiresAt: string;
}

/** The questionnaire behind a link, or invitation_not_found / invitation_expired / invitation_used. */
export async function openInvitation(ctx: ServiceContext, token: string): Promise<OpenInvitation> {
  return inReadSnapshot(ctx, (tx) => {
    const invitation = usableInvitation(tx, ctx, token);
    return { invitationId: invitation.id, patientId: invitation.patientId, entry: ctx.questionnaires.byId(invitation.questionnaireId)!, draft: invitation.draft ?? null, expiresAt: invitation.expiresAt };
  });
}

/** Largest draft kept: enough for every shipped questionnaire's longest answers, too small to store a file. */
const MAX_DRAFT_CHARS = 64 * 1024;

/** Keeps the patient's unfinished answers as they typed them; they are checked only on submission. */
export async function saveDraft(ctx: ServiceContext, token: string, fields: Record<string, string[]>): Promise<void> {
  if (JSON.stringify(fields).length > MAX_DRAFT_CHARS) throw new TooLarge('questionnaires.draft_too_large', 'These answers are too long to keep.');
  inTransaction(ctx, (tx) => {
    const invitation = usableInvitation(tx, ctx, token);
    const known = new Set(flattenItems(ctx.questionnaires.byId(invitation.questionnaireId)!.definition.item).map((f) => f.item.linkId));
    const kept = Object.fromEntries(Object.entries(fields).filter(([linkId]) => known.has(linkId)));
    repo.saveDraft(tx, invitation.id, kept, ctx.now.toISOString());
    audit(tx, patientCtx(ctx, invitation.patientId), { action: 'questionnaire.draft.save', entityType: 'questionnaire_invitation', entityId: invitation.id, patientId: invitation.patientId });
  });
}

/** The patient's one submission: checked, scored, stored; the link is closed in the same transaction. */
export async function submitByToken(ctx: ServiceContext, token: string, answers: Record<string, unknown>): Promise<{ responseId: string }> {
  return inTransaction(ctx, (tx) => {
    const invitation = usableInvitation(tx, ctx, token);
    const { id } = recordResponse(tx, patientCtx(ctx, invitation.patientId), {
      questionnaireId: invitation.questionnaireId,
      patientId: invitation.patientId,
      encounterId: invitation.encounterId,
      departmentId: invitation.departmentId,
      doctorId: invitation.doctorId,
      invitationId: invitation.id,
      answers,
      source: 'patient',
      disabledAnswers: 'drop',
    });
    return { responseId: id };
  });
}

function usableInvitation(tx: Tx, ctx: ServiceContext, token: string): repo.InvitationRow {
  const hash = tokenHashOf(ctx, token);
  // A reminder's link (invitations/) opens the same invitation as the first one.
  const invitation = hash ? (repo.findInvitationByTokenHash(tx, hash) ?? invitationByLink(tx, hash)) : undefined;
  if (!invitation) throw invitationNotFound();
  if (invitation.status === 'answered') throw invitationUsed();
  if (invitation.expiresAt <= ctx.now.toISOString()) throw invitationExpired();
  return invitation;
}

function invitationByLink(tx: Tx, hash: string): repo.InvitationRow | undefined {
  const id = invitationIdByLinkHash(tx, hash);
  return id ? repo.findInvitation(tx, id) : undefined;
}

function patientCtx(ctx: ServiceContext, patientId: string): ServiceContext {
  return actingAs(ctx, { kind: 'patient', id: patientId });
}
