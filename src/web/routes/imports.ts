import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, Invalid, NotFound } from '../../lib/errors.js';
import { discardQuarantined, listQuarantined, retryQuarantined } from '../../modules/imports/imports.verbs.js';
import { QuarantineParams } from '../../modules/imports/imports.schemas.js';
import type { Assets } from '../assets.js';
import { FormBody, formValue } from '../forms.js';
import { pageContext, seeOther, sendPage } from '../page-context.js';
import { QUARANTINE_STATUSES, quarantinePage } from '../pages/quarantine.js';

const PageQuery = z.object({
  status: z.enum(QUARANTINE_STATUSES).catch('open').default('open'),
  cursor: z.string().max(512).optional(),
  notice: z.enum(['retried', 'discarded']).optional().catch(undefined),
  problem: z.string().max(500).optional(),
});

/** Paths are under /app. The imports service refuses anyone without imports.quarantine (403 page). */
export const importPages: FastifyPluginAsyncZod<{ assets: Assets }> = async (app, { assets }) => {
  app.get('/imports/quarantine', { schema: { hide: true, querystring: PageQuery } }, async (request, reply) => {
    const ctx = request.ctx();
    const { status, cursor, notice, problem } = request.query;
    const list = await listQuarantined(ctx, { status, limit: 20, cursor });
    const page = pageContext(request, assets);
    return sendPage(
      reply,
      quarantinePage(page, {
        items: list.items,
        status,
        nextCursor: list.nextCursor,
        firstPage: cursor === undefined,
        notice: notice ?? null,
        problem: problem ? page.t('quarantine.stillFailing', { reason: problem }) : null,
        timeZone: ctx.timeZone,
      }),
    );
  });

  app.post('/imports/quarantine/:id', { schema: { hide: true, params: QuarantineParams, body: FormBody } }, async (request, reply) => {
    const action = formValue(request.body, 'action');
    try {
      if (action === 'retry') await retryQuarantined(request.ctx(), request.params.id, formValue(request.body, 'raw'));
      else if (action === 'discard') await discardQuarantined(request.ctx(), request.params.id);
      else throw new Invalid('web.unknown_action', `No quarantine action "${action}".`);
    } catch (error) {
      // A correction that still fails comes back to the list with its reason; a 403 or 404 stays an error page.
      if (error instanceof AppError && !(error instanceof NotFound) && error.status === 422) {
        return seeOther(reply, `/app/imports/quarantine?${new URLSearchParams({ problem: error.detail.slice(0, 500) }).toString()}`);
      }
      throw error;
    }
    return seeOther(reply, `/app/imports/quarantine?notice=${action === 'retry' ? 'retried' : 'discarded'}`);
  });
};
