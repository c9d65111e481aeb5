import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Forbidden } from '../lib/errors.js';

/**
 * Pages load only this server's script, style and images; nothing may frame them, inline script never runs
 * (so an escaped-but-somehow-injected `<script>` would still be inert), and forms post only back here.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply) => {
    void reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('x-frame-options', 'DENY');
    void reply.header('referrer-policy', 'same-origin');
    void reply.header('cross-origin-opener-policy', 'same-origin');
    void reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=()');
    // Pages carry patient data: never keep them in a shared or back-button cache. Assets set their own.
    if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
  });
}

/**
 * CSRF: the session cookie is SameSite=Strict, so a browser never sends it on a request another site starts. On top
 * of that every state-changing form post must name this server as its Origin (or, when a browser leaves Origin out,
 * its Referer). SameSite alone treats sibling subdomains as "same site"; the Origin check does not, and it needs no
 * token kept anywhere, so it works unchanged across several instances. A post with neither header is refused.
 */
export function installOriginCheck(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return;
    if (!sameOrigin(request)) throw new Forbidden('web.bad_origin', 'The form was not posted from an HCRM page.');
  });
}

function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  const referer = request.headers.referer;
  const claimed = typeof origin === 'string' ? origin : typeof referer === 'string' ? referer : undefined;
  if (!claimed || claimed === 'null') return false;
  try {
    // Host and port only: behind a TLS-terminating proxy the server sees http while the browser says https.
    return new URL(claimed).host === new URL(`${request.protocol}://${request.host}`).host;
  } catch {
    return false;
  }
}
