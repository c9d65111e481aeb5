import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { instantAtLocalTime } from '../../lib/clock.js';
import { Conflict, Invalid, type FieldError } from '../../lib/errors.js';
import { cancelCampaign, createCampaign, getCampaign, listCampaigns, previewCampaign, sendCampaign } from '../../modules/care/care.campaigns.js';
import type { CareDeps } from '../../modules/care/care.deps.js';
import { CampaignIdParams, CreateCampaignBody } from '../../modules/care/care.schemas.js';
import { PatientSegment } from '../../modules/patients/patients.schemas.js';
import { can } from '../../modules/staff/permissions.js';
import { listDepartments } from '../../modules/staff/staff.service.js';
import type { Assets } from '../assets.js';
import { FormBody, formValue, zodFieldErrors, type FormValues } from '../forms.js';
import { pageContext, seeOther, sendPage } from '../page-context.js';
import { campaignPage, campaignsPage, SEGMENT_FIELDS } from '../pages/campaigns.js';

const CampaignsPageQuery = z.object({ notice: z.enum(['created']).optional().catch(undefined) });
const FIELDS = ['name', 'body', 'sendAt', ...SEGMENT_FIELDS] as const;

/** Paths are under /app. The campaign service decides who may read (managers, admins) and who may send. */
export const campaignPages: FastifyPluginAsyncZod<{ assets: Assets; care: CareDeps }> = async (app, { assets, care }) => {
  async function render(request: FastifyRequest, options: { values?: FormValues; errors?: FieldError[]; previewCount?: number | null; notice?: 'created' | null }) {
    const ctx = request.ctx();
    const list = await listCampaigns(ctx, { limit: 50 });
    const canManage = ctx.actor.kind === 'staff' && can(ctx.actor.role, 'campaigns.manage');
    return campaignsPage(pageContext(request, assets), {
      campaigns: list.items,
      departments: (await listDepartments(ctx)).filter((d) => d.active),
      values: options.values ?? {},
      errors: options.errors ?? [],
      previewCount: options.previewCount ?? null,
      notice: options.notice ?? null,
      timeZone: ctx.timeZone,
      canManage,
    });
  }

  app.get('/campaigns', { schema: { hide: true, querystring: CampaignsPageQuery } }, async (request, reply) =>
    sendPage(reply, await render(request, { notice: request.query.notice ?? null })),
  );

  app.post('/campaigns', { schema: { hide: true, body: FormBody } }, async (request, reply) => {
    const ctx = request.ctx();
    const values: FormValues = Object.fromEntries(FIELDS.map((name) => [name, formValue(request.body, name).trim()]));
    const again = async (status: number, errors: FieldError[], previewCount: number | null = null) => sendPage(reply, await render(request, { values, errors, previewCount }), status);
    const segmentInput = Object.fromEntries(SEGMENT_FIELDS.filter((f) => values[f]).map((f) => [f, values[f]]));
    if (formValue(request.body, 'action') === 'preview') {
      const segment = PatientSegment.safeParse(segmentInput);
      if (!segment.success) return again(400, zodFieldErrors(segment.error));
      return again(200, [], (await previewCampaign(ctx, { segment: segment.data })).count);
    }
    const body = CreateCampaignBody.safeParse({ name: values['name'], body: values['body'], sendAt: sendAtOf(values['sendAt'] ?? '', ctx.timeZone), segment: segmentInput });
    if (!body.success) return again(400, zodFieldErrors(body.error).map((e) => ({ ...e, field: e.field.replace(/^segment\./, '') })));
    try {
      await createCampaign(ctx, body.data);
    } catch (error) {
      if (error instanceof Invalid) return again(400, error.errors);
      throw error;
    }
    return seeOther(reply, '/app/campaigns?notice=created');
  });

  app.get('/campaigns/:id', { schema: { hide: true, params: CampaignIdParams } }, async (request, reply) => {
    const ctx = request.ctx();
    const campaign = await getCampaign(ctx, care.outbox, request.params.id);
    const canManage = ctx.actor.kind === 'staff' && can(ctx.actor.role, 'campaigns.manage');
    return sendPage(reply, campaignPage(pageContext(request, assets), campaign, { timeZone: ctx.timeZone, canManage }));
  });

  app.post('/campaigns/:id', { schema: { hide: true, params: CampaignIdParams, body: FormBody } }, async (request, reply) => {
    const action = formValue(request.body, 'action');
    const { id } = request.params;
    if (action !== 'send' && action !== 'cancel') throw new Invalid('web.unknown_action', `No campaign action "${action}".`);
    try {
      await (action === 'send' ? sendCampaign : cancelCampaign)(request.ctx(), care.outbox, id);
    } catch (error) {
      // Sent or cancelled meanwhile: the page shows what it is now.
      if (!(error instanceof Conflict)) throw error;
    }
    return seeOther(reply, `/app/campaigns/${encodeURIComponent(id)}`);
  });
};

/** "2026-12-01 09:00" or the browser's "2026-12-01T09:00", read in the hospital's time zone. */
function sendAtOf(text: string, timeZone: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})$/.exec(text);
  if (!match) return text;
  const at = instantAtLocalTime(match[1]!, match[2]!, timeZone);
  return Number.isNaN(at.getTime()) ? text : at.toISOString();
}
