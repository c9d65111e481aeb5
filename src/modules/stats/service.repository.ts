import { sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../../db/client.js';

/** Read-only sums over messaging's outbox, consents, campaigns and questionnaire invitations, for the statistics. */

export interface DeliveryRow {
  channel: string;
  purpose: string;
  total: number;
  attempted: number;
  delivered: number;
  failed: number;
  cancelled: number;
  held: number;
  pending: number;
}

/** Messages created in [start, end): attempted = handed to a provider (sent, delivered, undelivered, failed). */
export function deliveryByChannelPurpose(tx: Tx, start: string, end: string): DeliveryRow[] {
  return tx.all<DeliveryRow>(sql`SELECT channel, purpose, count(*) AS total,
      count(CASE WHEN status IN ('sent', 'delivered', 'undelivered', 'failed') THEN 1 END) AS attempted,
      count(CASE WHEN status = 'delivered' THEN 1 END) AS delivered,
      count(CASE WHEN status IN ('undelivered', 'failed') THEN 1 END) AS failed,
      count(CASE WHEN status = 'cancelled' THEN 1 END) AS cancelled,
      count(CASE WHEN status = 'held' THEN 1 END) AS held,
      count(CASE WHEN status IN ('queued', 'sending') THEN 1 END) AS pending
    FROM messages WHERE created_at >= ${start} AND created_at < ${end} GROUP BY channel, purpose ORDER BY channel, purpose`);
}

export function optOutsByChannelPurpose(tx: Tx, start: string, end: string): { channel: string; purpose: string; optedOut: number }[] {
  return tx.all(sql`SELECT channel, purpose, count(*) AS optedOut FROM patient_consents
    WHERE granted = 0 AND recorded_at >= ${start} AND recorded_at < ${end} GROUP BY channel, purpose ORDER BY channel, purpose`);
}

export interface CampaignRow {
  id: string;
  name: string;
  status: string;
  sendAt: string;
  queuedCount: number;
  total: number;
  attempted: number;
  delivered: number;
  failed: number;
  cancelled: number;
}

export function campaignResults(tx: Tx, start: string, end: string): CampaignRow[] {
  return tx.all<CampaignRow>(sql`SELECT c.id, c.name, c.status, c.send_at AS sendAt, c.queued_count AS queuedCount, count(m.id) AS total,
      count(CASE WHEN m.status IN ('sent', 'delivered', 'undelivered', 'failed') THEN 1 END) AS attempted,
      count(CASE WHEN m.status = 'delivered' THEN 1 END) AS delivered,
      count(CASE WHEN m.status IN ('undelivered', 'failed') THEN 1 END) AS failed,
      count(CASE WHEN m.status = 'cancelled' THEN 1 END) AS cancelled
    FROM campaigns c LEFT JOIN messages m ON m.about_type = 'campaign' AND m.about_id = c.id
    WHERE c.send_at >= ${start} AND c.send_at < ${end} GROUP BY c.id ORDER BY c.send_at DESC, c.id`);
}

export function invitationsAnswered(tx: Tx, start: string, end: string, scope: { departmentId?: string | undefined; doctorId?: string | undefined; questionnaireId?: string | undefined }): { questionnaireId: string; invited: number; answered: number }[] {
  const parts: SQL[] = [];
  if (scope.departmentId !== undefined) parts.push(sql`coalesce(department_id, '') = ${scope.departmentId}`);
  if (scope.doctorId !== undefined) parts.push(sql`coalesce(doctor_id, '') = ${scope.doctorId}`);
  if (scope.questionnaireId !== undefined) parts.push(sql`questionnaire_id = ${scope.questionnaireId}`);
  return tx.all(sql`SELECT questionnaire_id AS questionnaireId, count(*) AS invited, count(answered_at) AS answered FROM questionnaire_invitations
    WHERE created_at >= ${start} AND created_at < ${end}${parts.length ? sql.join([sql``, ...parts], sql` AND `) : sql``}
    GROUP BY questionnaire_id ORDER BY questionnaire_id`);
}
