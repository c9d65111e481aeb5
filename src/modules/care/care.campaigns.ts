import type { Tx } from '../../../db/client.js';
import type { ServiceContext } from '../../lib/context.js';
import { Invalid } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { decodeCursor, pageOf } from '../../lib/pagination.js';
import { inTransaction } from '../../lib/transaction.js';
import { audit } from '../audit/audit.service.js';
import { countPatientsInSegment, patientsInSegment } from '../patients/patients.service.js';
import { PatientSegment } from '../patients/patients.schemas.js';
import { authorize } from '../staff/permissions.js';
import { inBatches } from './batches.js';
import type { CareOutbox } from './care.deps.js';
import { campaignCancelled, campaignNotDraft, campaignNotFound } from './care.errors.js';
import * as repo from './care.repository.js';
import type { Campaign, CampaignPreviewBody, CreateCampaignBody } from './care.schemas.js';

const BATCH = 500;
/** A send time a little in the past is a slow form, not a mistake. */
const SEND_AT_SLACK_MS = 5 * 60_000;

/** How many active patients the segment holds now: what staff check before they create or send. */
export async function previewCampaign(ctx: ServiceContext, body: CampaignPreviewBody): Promise<{ count: number }> {
  authorize(ctx, 'campaigns.manage');
  return inTransaction(ctx, (tx) => ({ count: countPatientsInSegment(tx, ctx, body.segment) }));
}

export async function createCampaign(ctx: ServiceContext, body: CreateCampaignBody): Promise<Campaign> {
  const actor = authorize(ctx, 'campaigns.manage');
  const sendAt = new Date(body.sendAt);
  if (sendAt.getTime() < ctx.now.getTime() - SEND_AT_SLACK_MS) {
    throw new Invalid('care.invalid', 'sendAt: is in the past', [{ field: 'sendAt', code: 'in_past', message: 'is in the past' }]);
  }
  return inTransaction(ctx, (tx) => {
    const id = newId();
    repo.insertCampaign(tx, {
      id,
      name: body.name,
      segment: body.segment,
      body: body.body,
      sendAt: sendAt.toISOString(),
      status: 'draft',
      createdBy: actor.id,
      createdAt: ctx.now.toISOString(),
    });
    audit(tx, ctx, { action: 'campaign.create', entityType: 'campaign', entityId: id, detail: { segment: Object.keys(body.segment) } });
    return view(repo.findCampaign(tx, id)!, null);
  });
}

export async function listCampaigns(ctx: ServiceContext, query: { limit: number; cursor?: string | undefined }): Promise<{ items: Campaign[]; nextCursor: string | null }> {
  authorize(ctx, 'campaigns.read');
  const before = decodeCursor(query.cursor, 2) as [string, string] | undefined;
  return inTransaction(ctx, (tx) => {
    const page = pageOf(repo.listCampaigns(tx, before, query.limit + 1), query.limit, (c) => [c.createdAt, c.id]);
    return { items: page.items.map((c) => view(c, null)), nextCursor: page.nextCursor };
  });
}

/** The campaign with its report from messaging (queued, sent, delivered, failed, opted out) once it was sent. */
export async function getCampaign(ctx: ServiceContext, outbox: CareOutbox, id: string): Promise<Campaign> {
  authorize(ctx, 'campaigns.read');
  return inTransaction(ctx, (tx) => {
    const row = repo.findCampaign(tx, id);
    if (!row) throw campaignNotFound(id);
    return view(row, row.status === 'draft' ? null : outbox.messageCountsBySubject(tx, { type: 'campaign', id }));
  });
}

/**
 * Queues one message per active patient in the segment, for the campaign's send time, in batches of one transaction
 * each. The campaign is claimed first (draft → sending) so a cancel arriving mid-way is seen by the next batch and
 * wins; a send that died half-way (left in sending) may be repeated, and dedupe keys `campaign:<id>:<patientId>`
 * keep it from queueing anyone twice. Messaging applies consent (marketing), quiet hours and the marketing cap.
 */
export async function sendCampaign(ctx: ServiceContext, outbox: CareOutbox, id: string): Promise<Campaign> {
  authorize(ctx, 'campaigns.manage');
  const campaign = inTransaction(ctx, (tx) => {
    const row = repo.findCampaign(tx, id);
    if (!row) throw campaignNotFound(id);
    if (row.status !== 'draft' && row.status !== 'sending') throw campaignNotDraft(row.status);
    repo.updateCampaign(tx, id, { status: 'sending' });
    return row;
  });
  const segment = PatientSegment.parse(campaign.segment);
  const sendAt = new Date(Math.max(new Date(campaign.sendAt).getTime(), ctx.now.getTime()));
  const stillSending = (tx: Tx) => repo.findCampaign(tx, id)?.status === 'sending';
  const queued = await inBatches(
    ctx,
    BATCH,
    (tx, after) => (stillSending(tx) ? patientsInSegment(tx, ctx, segment, after, BATCH) : []),
    (tx, patients) => {
      let created = 0;
      for (const patient of patients) {
        const result = outbox.enqueueMessage(tx, ctx, {
          purpose: 'campaign',
          category: 'marketing',
          patientId: patient.id,
          template: 'care.campaign',
          variables: { campaignText: campaign.body.replaceAll('{patientName}', patient.name) },
          scheduledAt: sendAt,
          dedupeKey: `campaign:${id}:${patient.id}`,
          subject: { type: 'campaign', id },
        });
        if (result.created) created++;
      }
      audit(tx, ctx, { action: 'campaign.queue', entityType: 'campaign', entityId: id, detail: { patients: patients.length, queued: created } });
    },
  );
  return inTransaction(ctx, (tx) => {
    if (stillSending(tx)) repo.updateCampaign(tx, id, { status: 'queued', queuedCount: queued, queuedAt: ctx.now.toISOString() });
    return view(repo.findCampaign(tx, id)!, outbox.messageCountsBySubject(tx, { type: 'campaign', id }));
  });
}

/** Stops a campaign: what is still queued is cancelled; what was sent stays sent. */
export async function cancelCampaign(ctx: ServiceContext, outbox: CareOutbox, id: string): Promise<Campaign> {
  authorize(ctx, 'campaigns.manage');
  return inTransaction(ctx, (tx) => {
    const row = repo.findCampaign(tx, id);
    if (!row) throw campaignNotFound(id);
    if (row.status === 'cancelled') throw campaignCancelled();
    const hasMessages = row.status === 'queued' || row.status === 'sending';
    const cancelled = hasMessages ? outbox.cancelMessages(tx, ctx, { subject: { type: 'campaign', id } }, 'campaign cancelled') : 0;
    repo.updateCampaign(tx, id, { status: 'cancelled', cancelledAt: ctx.now.toISOString() });
    audit(tx, ctx, { action: 'campaign.cancel', entityType: 'campaign', entityId: id, detail: { cancelledMessages: cancelled } });
    return view(repo.findCampaign(tx, id)!, hasMessages ? outbox.messageCountsBySubject(tx, { type: 'campaign', id }) : null);
  });
}

function view(row: repo.CampaignRow, report: Campaign['report']): Campaign {
  const { queued, sent, delivered, failed, optedOut, cancelled } = report ?? {};
  return {
    id: row.id,
    name: row.name,
    segment: row.segment,
    body: row.body,
    sendAt: row.sendAt,
    status: row.status,
    queuedCount: row.queuedCount,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    queuedAt: row.queuedAt,
    cancelledAt: row.cancelledAt,
    report: report ? { queued: queued!, sent: sent!, delivered: delivered!, failed: failed!, optedOut: optedOut!, cancelled: cancelled! } : null,
  };
}
