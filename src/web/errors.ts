import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { SESSION_COOKIE } from '../lib/request-context.js';
import { AppError } from '../lib/errors.js';
import { validationFieldErrors } from '../lib/problem.js';
import type { Assets } from './assets.js';
import { pageContext, sendPage, seeOther } from './page-context.js';
import { errorPage, type ErrorStatus } from './pages/error.js';

/**
 * Errors on the pages become pages, not problem+json: a missing or ended session sends the browser to the sign-in
 * page (remembering where it was going), a refusal shows the 403 page, and anything unexpected a 500 page that
 * shows only the request id. The API keeps the application's problem+json handler; this one is scoped to /app.
 */
export function installPageErrorHandling(app: FastifyInstance, assets: Assets): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = statusOf(error);
    if (status === 401) return toSignIn(request, reply);
    if (status >= 500) request.log.error({ err: error }, 'unhandled error on a page');
    const shown: ErrorStatus = status === 403 || status === 404 || status === 429 ? status : status < 500 ? 400 : 500;
    const page = pageContext(request, assets);
    const message = error instanceof AppError && error.code === 'web.bad_origin' ? page.t('error.badOrigin') : undefined;
    // A refusal's stable code (stats.unknown_table …) is public, as in problem+json; an internal error's is not.
    const code = error instanceof AppError && status < 500 ? error.code : undefined;
    // What was wrong and where, as the API would say it: a bad filter in a bookmarked link is then fixable.
    const errors = error instanceof AppError ? error.errors : validationFieldErrors(error);
    return sendPage(reply, errorPage(page, shown, { requestId: request.id, ...(message ? { message } : {}), ...(code ? { code } : {}), ...(status < 500 && errors.length > 0 ? { errors } : {}) }), shown);
  });

  app.setNotFoundHandler((request, reply) => sendPage(reply, errorPage(pageContext(request, assets), 404, { requestId: request.id }), 404));
}

function statusOf(error: FastifyError): number {
  if (error instanceof AppError) return error.status;
  if (hasZodFastifySchemaValidationErrors(error)) return 400;
  return typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
}

function toSignIn(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const hadSession = request.cookies[SESSION_COOKIE] !== undefined;
  if (hadSession) void reply.clearCookie(SESSION_COOKIE, { path: '/' });
  const params = new URLSearchParams();
  if (request.method === 'GET') params.set('next', request.url);
  if (hadSession) params.set('reason', 'expired');
  const query = params.toString();
  return seeOther(reply, `/app/login${query ? `?${query}` : ''}`);
}
