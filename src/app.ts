import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Db } from '../db/client.js';
import type { Clock } from './lib/clock.js';
import type { Deps } from './lib/context.js';
import { createFieldCipher } from './lib/crypto.js';
import { idempotency } from './lib/idempotency.js';
import { newId } from './lib/ids.js';
import { loggerOptions } from './lib/logging.js';
import { installProblemHandler } from './lib/problem.js';
import { requestContext } from './lib/request-context.js';
import { auditRoutes } from './modules/audit/audit.routes.js';
import { healthRoutes } from './modules/health/health.routes.js';
import { importRoutes } from './modules/imports/imports.routes.js';
import { importTimelineProviders } from './modules/imports/imports.timeline.js';
import { patientRoutes } from './modules/patients/patients.routes.js';
import { patientTimelineProviders } from './modules/patients/patients.timeline.js';
import { TimelineRegistry } from './modules/patients/timeline.js';
import { staffRoutes } from './modules/staff/staff.routes.js';
import { webRoutes } from './web/web.routes.js';

export interface AppOptions {
  deps: Deps;
  version: string;
  logLevel?: string;
  /** Where log lines go (stdout by default); tests read them to prove no personal data is logged. */
  logStream?: { write(line: string): void };
  /** Largest JSON body any route accepts; imports raise it on their own routes. */
  bodyLimit?: number;
}

/** The collaborators every service receives; each module registers its timeline entries here. */
export function createDeps(options: { db: Db; clock: Clock; secretKey: string; timeZone: string }): Deps {
  const timeline = new TimelineRegistry();
  for (const provider of [...patientTimelineProviders, ...importTimelineProviders]) timeline.register(provider);
  return { db: options.db, clock: options.clock, cipher: createFieldCipher(options.secretKey), timeZone: options.timeZone, timeline };
}

/** The whole application as one Fastify instance; importing this file starts nothing. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(options.logLevel ?? 'info', options.logStream),
    bodyLimit: options.bodyLimit ?? 256 * 1024,
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && /^[A-Za-z0-9._-]{8,64}$/.test(incoming) ? incoming : newId();
    },
    trustProxy: false,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installProblemHandler(app);
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });

  await app.register(cookie);
  await app.register(formbody);
  await app.register(swagger, {
    openapi: {
      info: { title: 'HCRM API', version: options.version, description: 'Hospital patient-relationship management. Errors are RFC 9457 problem+json.' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'Token from POST /api/auth/login' },
          cookie: { type: 'apiKey', in: 'cookie', name: 'hcrm_session' },
        },
      },
      security: [{ bearer: [] }, { cookie: [] }],
    },
    transform: jsonSchemaTransform,
  });
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs')) route.config = { ...route.config, public: true };
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });

  await app.register(requestContext, { deps: options.deps });
  await app.register(idempotency, { deps: options.deps });
  await app.register(healthRoutes, { deps: options.deps, version: options.version });
  await app.register(staffRoutes);
  await app.register(auditRoutes);
  await app.register(patientRoutes);
  await app.register(importRoutes);
  await app.register(webRoutes);
  await app.ready();
  return app;
}
