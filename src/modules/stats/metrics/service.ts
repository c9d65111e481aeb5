import { z } from 'zod';
import { rate } from '../formulas.js';
import { Labels } from '../labels.js';
import { instantsOf } from '../periods.js';
import type { MetricDefinition, MetricRegistry } from '../registry.js';
import { campaignResults, deliveryByChannelPurpose, invitationsAnswered, optOutsByChannelPurpose } from '../service.repository.js';
import { Period, Rate, StatsFilter } from '../stats.schemas.js';

const DeliveryResult = z.object({
  period: Period,
  rows: z.array(
    z.object({
      channel: z.string(),
      purpose: z.string(),
      queued: z.number().int().describe('messages created in the period'),
      attempted: z.number().int(),
      delivered: Rate.describe('delivered of attempted'),
      failed: Rate.describe('failed or undelivered of attempted'),
      cancelled: z.number().int(),
      held: z.number().int(),
      pending: z.number().int(),
    }),
  ),
  optOuts: z.array(z.object({ channel: z.string(), purpose: z.string(), optedOut: z.number().int() })),
});

const delivery: MetricDefinition<typeof StatsFilter, typeof DeliveryResult> = {
  id: 'messages.delivery',
  summary: 'Messages queued, attempted, delivered, failed, cancelled and held by channel and purpose; consents withdrawn (opt-outs) by channel and purpose',
  query: StatsFilter,
  result: DeliveryResult,
  scope: 'hospital',
  compute: ({ tx, ctx, range }) => {
    const { start, end } = instantsOf(range, ctx.timeZone);
    return {
      period: range,
      rows: deliveryByChannelPurpose(tx, start, end).map((r) => ({
        channel: r.channel,
        purpose: r.purpose,
        queued: r.total,
        attempted: r.attempted,
        delivered: rate(r.delivered, r.attempted, 'attempted'),
        failed: rate(r.failed, r.attempted, 'attempted'),
        cancelled: r.cancelled,
        held: r.held,
        pending: r.pending,
      })),
      optOuts: optOutsByChannelPurpose(tx, start, end),
    };
  },
};

const CampaignResult = z.object({
  period: Period,
  campaigns: z.array(z.object({ id: z.string(), name: z.string(), status: z.string(), sendAt: z.string(), queued: z.number().int(), attempted: z.number().int(), delivered: Rate, failed: Rate, cancelled: z.number().int() })),
});

const campaigns: MetricDefinition<typeof StatsFilter, typeof CampaignResult> = {
  id: 'messages.campaigns',
  summary: 'Campaigns sent in the period: messages queued, attempted, delivered and failed (of attempted), cancelled',
  query: StatsFilter,
  result: CampaignResult,
  scope: 'hospital',
  compute: ({ tx, ctx, range }) => {
    const { start, end } = instantsOf(range, ctx.timeZone);
    return {
      period: range,
      campaigns: campaignResults(tx, start, end).map((c) => ({
        id: c.id,
        name: c.name,
        status: c.status,
        sendAt: c.sendAt,
        queued: c.total,
        attempted: c.attempted,
        delivered: rate(c.delivered, c.attempted, 'attempted'),
        failed: rate(c.failed, c.attempted, 'attempted'),
        cancelled: c.cancelled,
      })),
    };
  },
};

const ResponseRateResult = z.object({
  period: Period,
  overall: Rate,
  byQuestionnaire: z.array(z.object({ questionnaireId: z.string(), questionnaire: z.string(), rate: Rate })),
});

const responseRate: MetricDefinition<typeof StatsFilter, typeof ResponseRateResult> = {
  id: 'questionnaires.response-rate',
  summary: 'Invitations created in the period that were answered (denominator: attempted = invitations sent), by questionnaire',
  query: StatsFilter,
  result: ResponseRateResult,
  compute: ({ tx, ctx, range, query }) => {
    const labels = new Labels(tx, ctx, query.lang);
    const { start, end } = instantsOf(range, ctx.timeZone);
    const rows = invitationsAnswered(tx, start, end, query);
    const total = rows.reduce((acc, r) => ({ invited: acc.invited + r.invited, answered: acc.answered + r.answered }), { invited: 0, answered: 0 });
    return {
      period: range,
      overall: rate(total.answered, total.invited, 'attempted'),
      byQuestionnaire: rows.map((r) => ({ questionnaireId: r.questionnaireId, questionnaire: labels.questionnaire(r.questionnaireId), rate: rate(r.answered, r.invited, 'attempted') })),
    };
  },
};

export function registerServiceMetrics(registry: MetricRegistry): void {
  for (const m of [delivery, campaigns, responseRate]) registry.register(m as unknown as MetricDefinition);
}
