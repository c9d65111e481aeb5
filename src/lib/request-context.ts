import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { resolveSession } from '../modules/staff/auth.service.js';
import { serviceContext, type Actor, type Deps, type ServiceContext } from './context.js';
import { Unauthenticated } from './errors.js';

export const SESSION_COOKIE = 'hcrm_session';

/** The session cookie as the API login and the sign-in page both set it: HttpOnly, SameSite=Strict, until expiry. */
export function setSessionCookie(reply: FastifyReply, request: FastifyRequest, session: { token: string; expiresAt: string }): void {
  void reply.setCookie(SESSION_COOKIE, session.token, {
    httpOnly: true,
    sameSite: 'strict',
    path: '/',
    secure: request.protocol === 'https',
    expires: new Date(session.expiresAt),
  });
}

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    /** The service context for this request; throws 401 when no staff member is signed in (unless public). */
    ctx(): ServiceContext;
  }
  interface FastifyContextConfig {
    /** Reachable without a session: login, health, docs, patients' pages. */
    public?: boolean;
  }
}

const ANONYMOUS: Actor = { kind: 'anonymous', id: 'anonymous' };

/**
 * Resolves the session (Bearer token, or the HttpOnly cookie the pages use) before any handler runs, and refuses
 * every non-public route without one. Permissions are then checked by the services themselves.
 */
export const requestContext = fp<{ deps: Deps }>(async (app: FastifyInstance, { deps }) => {
  app.decorateRequest('actor', null);
  app.decorateRequest('ctx', function (this: FastifyRequest): ServiceContext {
    if (!this.actor && !isPublic(this)) throw new Unauthenticated('auth.required', 'Sign in first: send a Bearer token or the session cookie.');
    return serviceContext(deps, { actor: this.actor ?? ANONYMOUS, now: deps.clock.now(), requestId: this.id, ip: this.ip ?? null });
  });

  // Runs on every request, so it is a plain callback (no promise per request) and asks for the route's options
  // (which Fastify builds afresh on each access) only when nobody is signed in.
  app.addHook('onRequest', (request, _reply, done) => {
    const token = bearerToken(request) ?? request.cookies[SESSION_COOKIE];
    if (token && token.length <= 128) request.actor = resolveSession(deps, token, deps.clock.now());
    if (!request.actor && !isPublic(request)) {
      throw new Unauthenticated('auth.required', token ? 'Your session has ended; sign in again.' : 'Sign in first: send a Bearer token or the session cookie.');
    }
    done();
  });
});

/** Public routes, and requests that match no route (answered 404, not 401). */
function isPublic(request: FastifyRequest): boolean {
  const route = request.routeOptions;
  return route.config?.public === true || route.url === undefined;
}

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}
