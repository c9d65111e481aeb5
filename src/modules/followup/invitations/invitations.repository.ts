import { and, asc, count, eq, gte, lte } from 'drizzle-orm';
import type { Tx } from '../../../../db/client.js';
import { invitationLinks, invitationSends, questionnaireLinkFailures } from '../../../../db/schema/followup-plans.js';
import { questionnaireInvitations } from '../../../../db/schema/followup.js';

export type SendRow = typeof invitationSends.$inferSelect;

export function insertSend(tx: Tx, row: SendRow): void {
  tx.insert(invitationSends).values(row).run();
}

/** Open, unexpired invitations a plan sent at or before `sentBefore` and not reminded yet. */
export function dueForReminder(tx: Tx, sentBefore: string, nowIso: string, limit: number): { invitationId: string; patientId: string; questionnaireId: string; expiresAt: string; channel: SendRow['channel']; stepId: string | null }[] {
  const s = invitationSends;
  const i = questionnaireInvitations;
  return tx
    .select({ invitationId: s.invitationId, patientId: i.patientId, questionnaireId: i.questionnaireId, expiresAt: i.expiresAt, channel: s.channel, stepId: s.stepId })
    .from(s)
    .innerJoin(i, eq(i.id, s.invitationId))
    .where(and(eq(s.reminders, 0), lte(s.sentAt, sentBefore), eq(i.status, 'open'), gte(i.expiresAt, nowIso)))
    .orderBy(asc(s.sentAt), asc(s.invitationId))
    .limit(limit)
    .all();
}

export function markReminded(tx: Tx, invitationId: string, at: string): boolean {
  return tx.update(invitationSends).set({ reminders: 1, remindedAt: at }).where(and(eq(invitationSends.invitationId, invitationId), eq(invitationSends.reminders, 0))).run().changes === 1;
}

export function insertLink(tx: Tx, row: typeof invitationLinks.$inferInsert): void {
  tx.insert(invitationLinks).values(row).run();
}

export function invitationIdByLinkHash(tx: Tx, tokenHash: string): string | undefined {
  return tx.select({ id: invitationLinks.invitationId }).from(invitationLinks).where(eq(invitationLinks.tokenHash, tokenHash)).get()?.id;
}

export function recordLinkFailure(tx: Tx, ip: string, at: string): void {
  tx.insert(questionnaireLinkFailures).values({ ip, at }).run();
}

export function linkFailuresSince(tx: Tx, ip: string, since: string): number {
  return tx.select({ n: count() }).from(questionnaireLinkFailures).where(and(eq(questionnaireLinkFailures.ip, ip), gte(questionnaireLinkFailures.at, since))).get()?.n ?? 0;
}
