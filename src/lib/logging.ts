import type { FastifyServerOptions } from 'fastify';

/**
 * pino options: request lines carry the request id, method, route and status, but never the query string
 * (searches put names and phone numbers there), bodies, tokens or cookies.
 */
export function loggerOptions(level: string, stream?: { write(line: string): void }): FastifyServerOptions['logger'] {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', '*.password', '*.token', '*.residentId', '*.phone', '*.name'],
      censor: '[redacted]',
    },
    serializers: {
      req(request: { method: string; url: string; routeOptions?: { url?: string }; id: string }) {
        return { method: request.method, route: request.routeOptions?.url ?? request.url.split('?')[0], id: request.id };
      },
    },
  };
}
