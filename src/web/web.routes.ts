import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Scheduler } from '../jobs/scheduler.js';
import type { CareDeps } from '../modules/care/care.deps.js';
import type { MetricRegistry } from '../modules/stats/registry.js';
import { loadAssets } from './assets.js';
import { installPageErrorHandling } from './errors.js';
import { rememberLang } from './i18n/index.js';
import { assetRoutes } from './routes/assets.js';
import { messagePages } from './routes/messages.js';
import { campaignPages } from './routes/campaigns.js';
import { callCentrePages } from './routes/callcentre.js';
import { callCentreReviewPages } from './routes/callcentre-review.js';
import { carePages } from './routes/care.js';
import { followupPages } from './routes/followup.js';
import { jobPages } from './routes/jobs.js';
import { importPages } from './routes/imports.js';
import { identityPages } from './routes/identity.js';
import { patientPages } from './routes/patients.js';
import { sessionRoutes } from './routes/session.js';
import { staffPages } from './routes/staff.js';
import { staffBookingPages } from './book/staff.routes.js';
import { statsPages } from './routes/stats.js';
import { installOriginCheck, installSecurityHeaders } from './security.js';

/**
 * The staff pages under /app: server-rendered HTML in zh-CN (default) or English, calling the services directly.
 *
 * Page routes are not public: the application's session hook refuses them without a session as it refuses the
 * API, so a forgotten check can never open a page. What changes here is the answer: this scope's error handler turns
 * that 401 into a redirect to the sign-in page, and every other error into an HTML page instead of problem+json.
 * Only the sign-in page and the assets are public. The routes are hidden from the OpenAPI document.
 */
export const webRoutes: FastifyPluginAsyncZod<{ care: CareDeps; scheduler: Scheduler; metrics: MetricRegistry }> = async (app, { care, scheduler, metrics }) => {
  const assets = await loadAssets();
  await app.register(
    async (pages) => {
      installSecurityHeaders(pages);
      installOriginCheck(pages);
      installPageErrorHandling(pages, assets);
      pages.addHook('onRequest', async (request, reply) => rememberLang(request, reply));
      await pages.register(assetRoutes, { assets });
      await pages.register(sessionRoutes, { assets });
      await pages.register(patientPages, { assets });
      await pages.register(carePages, { assets, care });
      await pages.register(campaignPages, { assets, care });
      await pages.register(jobPages, { assets, scheduler });
      await pages.register(staffPages, { assets });
      await pages.register(messagePages, { assets });
      await pages.register(importPages, { assets });
      await pages.register(staffBookingPages, { assets });
      await pages.register(followupPages, { assets });
      await pages.register(callCentrePages, { assets });
      await pages.register(callCentreReviewPages, { assets });
      await pages.register(identityPages, { assets });
      await pages.register(statsPages, { assets, metrics });
    },
    { prefix: '/app' },
  );
};
