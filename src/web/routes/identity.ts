import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Invalid } from '../../lib/errors.js';
import { decideReview, getReview, listReviews } from '../../modules/identity/identity.reviews.js';
import { IdParams } from '../../modules/identity/identity.schemas.js';
import { can } from '../../modules/staff/permissions.js';
import type { Assets } from '../assets.js';
import { FormBody, formValue } from '../forms.js';
import { pageContext, seeOther, sendPage } from '../page-context.js';
import { REVIEW_STATUSES, reviewListPage, reviewPage } from '../pages/identity-reviews.js';

const ListQuery = z.object({ status: z.enum(REVIEW_STATUSES).catch('open').default('open'), cursor: z.string().max(512).optional() });
const DetailQuery = z.object({ notice: z.enum(['decided']).optional().catch(undefined) });

/** Paths are under /app. The identity service refuses roles without identity.reviews.* (403 page). */
export const identityPages: FastifyPluginAsyncZod<{ assets: Assets }> = async (app, { assets }) => {
  app.get('/identity/reviews', { schema: { hide: true, querystring: ListQuery } }, async (request, reply) => {
    const ctx = request.ctx();
    const { status, cursor } = request.query;
    const list = await listReviews(ctx, { status, limit: 20, cursor });
    return sendPage(reply, reviewListPage(pageContext(request, assets), { items: list.items, status, nextCursor: list.nextCursor, firstPage: cursor === undefined, timeZone: ctx.timeZone }));
  });

  app.get('/identity/reviews/:id', { schema: { hide: true, params: IdParams, querystring: DetailQuery } }, async (request, reply) => {
    const ctx = request.ctx();
    const review = await getReview(ctx, request.params.id);
    const canDecide = ctx.actor.kind === 'staff' && can(ctx.actor.role, 'identity.reviews.decide');
    return sendPage(reply, reviewPage(pageContext(request, assets), review, { canDecide, notice: request.query.notice === 'decided', timeZone: ctx.timeZone }));
  });

  app.post('/identity/reviews/:id', { schema: { hide: true, params: IdParams, body: FormBody } }, async (request, reply) => {
    const choice = formValue(request.body, 'decision');
    const note = formValue(request.body, 'note').trim();
    const ctx = request.ctx();
    const { id } = request.params;
    if (choice === 'merge-keep-new') {
      await decideReview(ctx, id, { decision: 'merge', keep: 'new', ...(note ? { note } : {}) });
    } else if (choice === 'link' || choice === 'different') {
      await decideReview(ctx, id, { decision: choice, ...(note ? { note } : {}) });
    } else throw new Invalid('web.unknown_action', `No review decision "${choice}".`);
    return seeOther(reply, `/app/identity/reviews/${encodeURIComponent(id)}?notice=decided`);
  });
};
