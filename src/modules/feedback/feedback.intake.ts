import type { Tx } from '../../../db/client.js';
import type { ServiceContext } from '../../lib/context.js';
import { Invalid } from '../../lib/errors.js';
import { limitPublicForm } from '../../lib/public-form-limit.js';
import { inReadSnapshot, inTransaction } from '../../lib/transaction.js';
import { auditRead } from '../audit/audit.reads.js';
import { lastSatisfactionOf, markFollowupEventsHandled, pendingFollowupEvents } from '../followup/followup.queries.js';
import { patientNotFound } from '../patients/patients.errors.js';
import { patientIdsWithPhone, patientRef } from '../patients/patients.service.js';
import { phoneOrInvalid } from '../patients/phone.js';
import { authorize } from '../staff/permissions.js';
import { departmentIdByCode } from '../staff/staff.service.js';
import * as repo from './feedback.repository.js';
import type { AtRiskReason, PublicFeedbackForm } from './feedback.schemas.js';
import { openCase } from './feedback.service.js';

/** The patients' feedback form: anonymous allowed; a number that belongs to exactly one file links it. */
export async function submitPublicFeedback(ctx: ServiceContext, form: PublicFeedbackForm, ip: string): Promise<{ id: string }> {
  const anonymous = form.anonymous !== undefined;
  const phone = !anonymous && form.phone ? phoneOrInvalid(form.phone, 'phone', 'feedback.bad_phone').e164 : null;
  return inTransaction(ctx, (tx) => {
    limitPublicForm(tx, ctx, { form: 'feedback', ip, perHour: ctx.callcentre.settings.publicFormPerHour, code: 'feedback.rate_limited', detail: 'Too many messages from this address; please try again in an hour or call the hospital.' });
    const departmentId = form.departmentCode ? departmentIdByCode(tx, form.departmentCode) : undefined;
    if (form.departmentCode && !departmentId) throw new Invalid('feedback.unknown_department', 'departmentCode is not a department of this hospital', [{ field: 'departmentCode', code: 'unknown', message: 'is not a department of this hospital' }]);
    const owners = phone ? patientIdsWithPhone(tx, phone) : [];
    const id = openCase(tx, ctx, {
      kind: form.kind,
      source: 'web',
      category: form.category,
      severity: form.kind === 'complaint' ? 'medium' : 'low',
      text: form.text,
      patientId: owners.length === 1 ? owners[0]! : null,
      departmentId: departmentId ?? null,
      anonymous,
      contactName: anonymous ? null : (form.name ?? null),
      contactPhone: phone,
      contactEmail: anonymous ? null : (form.email ?? null),
    });
    return { id };
  });
}

/**
 * The follow-up module's events (a low satisfaction score, a complaint in the answers) become complaints, each
 * once: the event is marked handled in the transaction that opens the case, and the case keeps the event's id.
 */
export async function takeFollowupEvents(ctx: ServiceContext, limit = 200): Promise<{ opened: number }> {
  const events = await pendingFollowupEvents(ctx, { limit });
  if (events.length === 0) return { opened: 0 };
  return inTransaction(ctx, (tx) => {
    for (const e of events) {
      openCase(tx, ctx, {
        kind: 'complaint',
        source: 'followup',
        category: 'medical_quality',
        severity: e.kind === 'complaint' ? 'high' : 'medium',
        text: e.kind === 'complaint' ? `随访问卷中的投诉（${e.questionnaireUrl}）` : `随访满意度低：${e.satisfaction ?? '—'}（${e.questionnaireUrl}）`,
        patientId: e.patientId,
        departmentId: e.departmentId,
        followupEventId: e.id,
        satisfaction: e.satisfaction,
      });
    }
    markFollowupEventsHandled(tx, ctx, events.map((e) => e.id));
    return { opened: events.length };
  });
}

export interface PatientRisk {
  patientId: string;
  atRisk: boolean;
  reasons: AtRiskReason[];
  openComplaints: number;
}

/** At risk: an open complaint, two complaints in 180 days, or a last satisfaction score at or under the threshold. */
export function riskOf(tx: Tx, ctx: ServiceContext, patientId: string): PatientRisk {
  const complaints = repo.complaintsOfPatient(tx, patientId);
  const open = complaints.filter((c) => c.status !== 'resolved' && c.status !== 'closed').length;
  const since = new Date(ctx.now.getTime() - 180 * 86_400_000).toISOString();
  const recent = complaints.filter((c) => c.createdAt >= since).length;
  const last = lastSatisfactionOf(tx, patientId);
  const reasons: AtRiskReason[] = [
    ...(open > 0 ? (['open_complaint'] as const) : []),
    ...(recent >= 2 ? (['repeat_complaints'] as const) : []),
    ...(last !== null && last <= ctx.callcentre.settings.atRiskSatisfaction ? (['low_satisfaction'] as const) : []),
  ];
  return { patientId, atRisk: reasons.length > 0, reasons, openComplaints: open };
}

export async function patientRisk(ctx: ServiceContext, patientId: string): Promise<PatientRisk> {
  authorize(ctx, 'patients.read');
  const risk = inReadSnapshot(ctx, (tx) => {
    if (!patientRef(tx, patientId)) throw patientNotFound(patientId);
    return riskOf(tx, ctx, patientId);
  });
  await auditRead(ctx, { action: 'feedback.risk.read', entityType: 'patient', entityId: patientId, patientId });
  return risk;
}

/** Recent escalations for the admins' view. */
export async function recentEscalations(ctx: ServiceContext, days = 30): Promise<{ items: ReturnType<typeof repo.escalations> }> {
  authorize(ctx, 'feedback.escalations.read');
  const since = new Date(ctx.now.getTime() - days * 86_400_000).toISOString();
  return { items: inReadSnapshot(ctx, (tx) => repo.escalations(tx, since, 200)) };
}
