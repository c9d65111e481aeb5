import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TooManyRequests, Unauthenticated } from '../../lib/errors.js';
import { SESSION_COOKIE, setSessionCookie } from '../../lib/request-context.js';
import { login, logout } from '../../modules/staff/auth.service.js';
import { LoginBody } from '../../modules/staff/staff.schemas.js';
import type { Assets } from '../assets.js';
import { safeNext } from '../format.js';
import { FormBody, formValue } from '../forms.js';
import { pageContext, seeOther, sendPage } from '../page-context.js';
import { loginPage } from '../pages/login.js';

const LoginQuery = z.object({
  next: z.string().max(512).optional(),
  reason: z.enum(['expired', 'signed-out']).optional().catch(undefined),
});

/** Paths are under /app. Sign-in is public by nature; signing out needs the session it ends. */
export const sessionRoutes: FastifyPluginAsyncZod<{ assets: Assets }> = async (app, { assets }) => {
  app.get('/login', { config: { public: true }, schema: { hide: true, querystring: LoginQuery } }, async (request, reply) => {
    const page = pageContext(request, assets);
    const next = safeNext(request.query.next);
    if (page.actor) return seeOther(reply, next);
    const { reason } = request.query;
    const message = reason === 'expired' ? ({ kind: 'info', key: 'login.expired' } as const) : reason === 'signed-out' ? ({ kind: 'success', key: 'login.signedOut' } as const) : undefined;
    return sendPage(reply, loginPage(page, { username: '', next, ...(message ? { message } : {}) }));
  });

  app.post('/login', { config: { public: true }, schema: { hide: true, body: FormBody } }, async (request, reply) => {
    const page = pageContext(request, assets);
    const username = formValue(request.body, 'username').trim();
    const next = safeNext(formValue(request.body, 'next'));
    const again = (status: number, key: 'login.missing' | 'login.failed' | 'login.throttled') =>
      sendPage(reply, loginPage(page, { username, next, message: { kind: 'error', key } }), status);

    const credentials = LoginBody.safeParse({ username, password: formValue(request.body, 'password') });
    if (!credentials.success) return again(400, 'login.missing');
    let session: Awaited<ReturnType<typeof login>>;
    try {
      session = await login(request.ctx(), credentials.data);
    } catch (error) {
      if (error instanceof TooManyRequests) return again(429, 'login.throttled');
      if (error instanceof Unauthenticated) return again(401, 'login.failed');
      throw error;
    }
    setSessionCookie(reply, request, session);
    return seeOther(reply, next);
  });

  app.post('/logout', { schema: { hide: true, body: FormBody.optional() } }, async (request, reply) => {
    await logout(request.ctx());
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return seeOther(reply, '/app/login?reason=signed-out');
  });
};
