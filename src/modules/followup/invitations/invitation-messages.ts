import type { Tx } from '../../../../db/client.js';
import { addDays, instantAtLocalTime, localDate, localTime } from '../../../lib/clock.js';
import type { ServiceContext } from '../../../lib/context.js';
import { inTransaction } from '../../../lib/transaction.js';
import { audit } from '../../audit/audit.service.js';
import { enqueueMessage, type MessageChannel, type SendCheck } from '../../messaging/messaging.service.js';
import { outreachPatient } from '../../patients/patients.service.js';
import * as followupRepo from '../followup.repository.js';
import { newInvitationToken, tokenHashOf } from '../followup.tokens.js';
import { titleOf } from '../questionnaire/catalog.js';
import * as repo from './invitations.repository.js';

export const INVITATION_SUBJECT = 'questionnaire-invitation';

/** The first moment inside the allowed hours at or after `at` (today's window, else tomorrow's opening). */
export function withinHours(ctx: Pick<ServiceContext, 'timeZone'>, at: Date, hours: { from: string; to: string }): Date {
  const day = localDate(at, ctx.timeZone);
  const time = localTime(at, ctx.timeZone);
  if (time < hours.from) return instantAtLocalTime(day, hours.from, ctx.timeZone);
  if (time >= hours.to) return instantAtLocalTime(addDays(day, 1), hours.from, ctx.timeZone);
  return at;
}

export interface InvitationToSend {
  invitationId: string;
  patientId: string;
  questionnaireId: string;
  link: string;
  expiresAt: string;
  channel: MessageChannel | undefined;
  stepId: string | null;
  hours: { from: string; to: string };
}

/**
 * Queues the link in the outbox inside the caller's transaction and remembers the send, so the reminder job can
 * find it. Consent, quiet hours and delivery are messaging's: a patient without consent gets a cancelled row.
 */
export function queueInvitation(tx: Tx, ctx: ServiceContext, send: InvitationToSend): { messageId: string; status: string } {
  const vars = invitationVariables(tx, ctx, send);
  const message = enqueueMessage(tx, ctx, {
    purpose: 'followup-invitation',
    category: 'care',
    patientId: send.patientId,
    template: 'followup.invitation',
    variables: vars,
    scheduledAt: withinHours(ctx, ctx.now, send.hours),
    dedupeKey: `followup-invitation:${send.invitationId}`,
    ...(send.channel ? { channel: send.channel } : {}),
    subject: { type: INVITATION_SUBJECT, id: send.invitationId },
  });
  repo.insertSend(tx, { invitationId: send.invitationId, stepId: send.stepId, channel: send.channel ?? null, sentAt: ctx.now.toISOString(), reminders: 0, remindedAt: null });
  return { messageId: message.id, status: message.status };
}

function invitationVariables(tx: Tx, ctx: ServiceContext, send: { patientId: string; questionnaireId: string; link: string; expiresAt: string }): Record<string, string> {
  const patient = outreachPatient(tx, send.patientId);
  const entry = ctx.questionnaires.byId(send.questionnaireId);
  const locale = patient?.preferredLanguage ?? 'zh-CN';
  return {
    patientName: patient?.name ?? '',
    questionnaire: entry ? titleOf(entry.definition, locale) : '',
    link: send.link,
    expires: localDate(new Date(send.expiresAt), ctx.timeZone),
  };
}

/**
 * One reminder to each patient who has not answered a plan's invitation after HCRM_INVITATION_REMINDER_DAYS. The
 * first link's token was never stored, so the reminder carries a fresh link to the same invitation (only its hash
 * is kept); either link opens the questionnaire, and one answer closes both.
 */
export async function remindUnanswered(ctx: ServiceContext, options: { batch?: number } = {}): Promise<{ reminded: number }> {
  const sentBefore = new Date(ctx.now.getTime() - ctx.followup.reminderDays * 86_400_000).toISOString();
  let reminded = 0;
  for (;;) {
    const n = inTransaction(ctx, (tx) => {
      const due = repo.dueForReminder(tx, sentBefore, ctx.now.toISOString(), options.batch ?? 200);
      for (const d of due) {
        if (!repo.markReminded(tx, d.invitationId, ctx.now.toISOString())) continue;
        const token = newInvitationToken();
        repo.insertLink(tx, { tokenHash: tokenHashOf(ctx, token)!, invitationId: d.invitationId, createdAt: ctx.now.toISOString() });
        const link = `${ctx.followup.publicUrl.replace(/\/$/, '')}/q/${token}`;
        enqueueMessage(tx, ctx, {
          purpose: 'followup-invitation',
          category: 'care',
          patientId: d.patientId,
          template: 'followup.invitation-reminder',
          variables: invitationVariables(tx, ctx, { ...d, link }),
          scheduledAt: withinHours(ctx, ctx.now, { from: '09:00', to: '20:00' }),
          dedupeKey: `followup-invitation-reminder:${d.invitationId}`,
          ...(d.channel ? { channel: d.channel } : {}),
          subject: { type: INVITATION_SUBJECT, id: d.invitationId },
        });
        audit(tx, ctx, { action: 'questionnaire.invitation.remind', entityType: 'questionnaire_invitation', entityId: d.invitationId, patientId: d.patientId });
        reminded++;
      }
      return due.length;
    });
    if (n < (options.batch ?? 200)) return { reminded };
  }
}

/** Messaging asks before sending: an answered or expired invitation's link (or reminder) is not sent. */
export const invitationSendCheck: SendCheck = (tx, message) => {
  if (message.subject?.type !== INVITATION_SUBJECT) return null;
  const invitation = followupRepo.findInvitation(tx, message.subject.id);
  if (!invitation) return 'invitation no longer exists';
  if (invitation.status === 'answered') return 'questionnaire already answered';
  return null;
};
