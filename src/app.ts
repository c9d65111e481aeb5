import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Db } from '../db/client.js';
import type { Clock } from './lib/clock.js';
import { fileURLToPath } from 'node:url';
import type { Deps, FollowupSettings } from './lib/context.js';
import { createFieldCipher } from './lib/crypto.js';
import { idempotency } from './lib/idempotency.js';
import { newId } from './lib/ids.js';
import { loggerOptions } from './lib/logging.js';
import { installProblemHandler } from './lib/problem.js';
import { requestContext } from './lib/request-context.js';
import { auditRoutes } from './modules/audit/audit.routes.js';
import { syncQuestionnaireCatalog } from './modules/followup/followup.catalog.js';
import { followupRoutes } from './modules/followup/followup.routes.js';
import { followupTimelineProviders } from './modules/followup/followup.timeline.js';
import { healthRoutes } from './modules/health/health.routes.js';
import { patientRoutes } from './modules/patients/patients.routes.js';
import { patientTimelineProviders } from './modules/patients/patients.timeline.js';
import { TimelineRegistry } from './modules/patients/timeline.js';
import { staffRoutes } from './modules/staff/staff.routes.js';
import { questionnairePages } from './web/questionnaire.routes.js';
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

export interface DepsOptions {
  db: Db;
  clock: Clock;
  secretKey: string;
  timeZone: string;
  /** Defaults to the questionnaires/ folder of this repository. */
  questionnairesDir?: string;
  followup?: Partial<FollowupSettings>;
}

const SHIPPED_QUESTIONNAIRES = fileURLToPath(new URL('../questionnaires/', import.meta.url));

/**
 * The collaborators every service receives; each module registers its timeline entries here. Loads the
 * questionnaire definitions (a bad one throws, naming the file and item), so the migrated database must be open.
 */
export function createDeps(options: DepsOptions): Deps {
  const questionnaires = syncQuestionnaireCatalog(options.db, options.questionnairesDir ?? SHIPPED_QUESTIONNAIRES, options.clock.now());
  const timeline = new TimelineRegistry();
  for (const provider of [...patientTimelineProviders, ...followupTimelineProviders(questionnaires)]) timeline.register(provider);
  const followup: FollowupSettings = { publicUrl: 'http://127.0.0.1:3000', invitationDays: 14, lowSatisfactionScore: 2, ...options.followup };
  return { db: options.db, clock: options.clock, cipher: createFieldCipher(options.secretKey), timeZone: options.timeZone, timeline, questionnaires, followup };
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
  await app.register(followupRoutes);
  await app.register(webRoutes);
  await app.register(questionnairePages);
  await app.ready();
  return app;
}
