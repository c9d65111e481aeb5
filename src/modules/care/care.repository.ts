import { and, desc, eq, gte, lt, lte, or } from 'drizzle-orm';
import type { Tx } from '../../../db/client.js';
import { campaigns, careReminders } from '../../../db/schema/care.js';

export type CareReminderRow = typeof careReminders.$inferSelect;
export type CampaignRow = typeof campaigns.$inferSelect;

export function insertReminder(tx: Tx, row: typeof careReminders.$inferInsert): void {
  tx.insert(careReminders).values(row).run();
}

export function findReminder(tx: Tx, id: string): CareReminderRow | undefined {
  return tx.select().from(careReminders).where(eq(careReminders.id, id)).get();
}

export function closeReminder(tx: Tx, id: string, close: { status: 'ended' | 'cancelled'; closedAt: string; closedBy: string; closeReason: string | null }): boolean {
  return tx.update(careReminders).set(close).where(and(eq(careReminders.id, id), eq(careReminders.status, 'active'))).run().changes === 1;
}

/** Newest first; `before` is (createdAt, id) of the previous page's last row. */
export function listReminders(
  tx: Tx,
  filter: { patientId?: string | undefined; departmentId?: string | undefined; status?: CareReminderRow['status'] | undefined; before?: [string, string] | undefined },
  limit: number,
): CareReminderRow[] {
  const b = filter.before;
  return tx
    .select()
    .from(careReminders)
    .where(
      and(
        filter.patientId ? eq(careReminders.patientId, filter.patientId) : undefined,
        filter.departmentId ? eq(careReminders.departmentId, filter.departmentId) : undefined,
        filter.status ? eq(careReminders.status, filter.status) : undefined,
        b ? or(lt(careReminders.createdAt, b[0]), and(eq(careReminders.createdAt, b[0]), lt(careReminders.id, b[1]))) : undefined,
      ),
    )
    .orderBy(desc(careReminders.createdAt), desc(careReminders.id))
    .limit(limit)
    .all();
}

/** Active reminders with a day in [from, to] (local dates), in id order from `afterId`. */
export function activeRemindersBetween(tx: Tx, from: string, to: string, afterId: string | undefined, limit: number): CareReminderRow[] {
  return tx
    .select()
    .from(careReminders)
    .where(and(eq(careReminders.status, 'active'), gte(careReminders.endDate, from), lte(careReminders.startDate, to), afterId ? lt(careReminders.id, afterId) : undefined))
    .orderBy(desc(careReminders.id))
    .limit(limit)
    .all();
}

export function remindersOfPatient(tx: Tx, patientId: string): CareReminderRow[] {
  return tx.select().from(careReminders).where(eq(careReminders.patientId, patientId)).orderBy(desc(careReminders.createdAt)).all();
}

export function insertCampaign(tx: Tx, row: typeof campaigns.$inferInsert): void {
  tx.insert(campaigns).values(row).run();
}

export function findCampaign(tx: Tx, id: string): CampaignRow | undefined {
  return tx.select().from(campaigns).where(eq(campaigns.id, id)).get();
}

export function updateCampaign(tx: Tx, id: string, changes: Partial<typeof campaigns.$inferInsert>): void {
  tx.update(campaigns).set(changes).where(eq(campaigns.id, id)).run();
}

export function listCampaigns(tx: Tx, before: [string, string] | undefined, limit: number): CampaignRow[] {
  return tx
    .select()
    .from(campaigns)
    .where(before ? or(lt(campaigns.createdAt, before[0]), and(eq(campaigns.createdAt, before[0]), lt(campaigns.id, before[1]))) : undefined)
    .orderBy(desc(campaigns.createdAt), desc(campaigns.id))
    .limit(limit)
    .all();
}
