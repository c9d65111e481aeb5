import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, TooManyRequests, type FieldError } from './errors.js';

/** RFC 9457 problem details, the one shape every error reply takes. */
export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().describe('Stable machine-readable code, e.g. patients.not_found'),
    instance: z.string().optional(),
    requestId: z.string(),
    errors: z.array(z.object({ field: z.string(), code: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });
export type Problem = z.infer<typeof Problem>;

const PROBLEM_BASE = 'https://hcrm.example/problems/';

export function installProblemHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const problem = toProblem(error, request);
    if (problem.status >= 500) request.log.error({ err: error }, 'unhandled error');
    if (error instanceof TooManyRequests) void reply.header('retry-after', String(error.retryAfterSeconds));
    return sendProblem(reply, problem);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, {
      type: `${PROBLEM_BASE}not-found`,
      title: 'Not found',
      status: 404,
      code: 'route.not_found',
      detail: `No route ${request.method} ${request.url.split('?')[0]}`,
      requestId: request.id,
    }),
  );
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply.code(problem.status).type('application/problem+json; charset=utf-8').send(JSON.stringify(problem));
}

function toProblem(error: FastifyError, request: FastifyRequest): Problem {
  if (error instanceof AppError) {
    return {
      type: `${PROBLEM_BASE}${error.code.replaceAll('.', '-').replaceAll('_', '-')}`,
      title: error.title,
      status: error.status,
      detail: error.detail,
      code: error.code,
      requestId: request.id,
      ...(error.errors.length > 0 ? { errors: error.errors } : {}),
    };
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const errors = validationFieldErrors(error);
    return {
      type: `${PROBLEM_BASE}validation`,
      title: 'Invalid request',
      status: 400,
      code: 'request.invalid',
      detail: errors.map((e) => `${e.field}: ${e.message}`).join('; '),
      requestId: request.id,
      errors,
    };
  }
  const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
  if (status >= 400 && status < 500) {
    // Fastify's own 4xx errors (malformed JSON, body too large, unsupported media type) carry safe messages.
    return {
      type: `${PROBLEM_BASE}${status === 413 ? 'too-large' : 'bad-request'}`,
      title: status === 413 ? 'Request too large' : 'Invalid request',
      status,
      code: fastifyCodeToStable(error.code, status),
      detail: describeFastifyError(error),
      requestId: request.id,
    };
  }
  return {
    type: `${PROBLEM_BASE}internal`,
    title: 'Internal error',
    status: 500,
    code: 'internal',
    detail: `Something went wrong on our side. Quote request id ${request.id} when you report it.`,
    requestId: request.id,
  };
}

/** The fields a route's schema refused, named as problem+json names them (the pages list the same). */
export function validationFieldErrors(error: FastifyError): FieldError[] {
  if (!hasZodFastifySchemaValidationErrors(error)) return [];
  const where = error.validationContext ?? 'request';
  return error.validation.flatMap((issue) => fieldErrorsOf(issue, where));
}

interface ZodIssueLike {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

function fieldErrorsOf(issue: ZodIssueLike, where: string): FieldError[] {
  const base = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
  if (issue.keyword === 'unrecognized_keys' && Array.isArray(issue.params['keys'])) {
    return (issue.params['keys'] as string[]).map((key) => ({
      field: base ? `${base}.${key}` : key,
      code: 'unknown_field',
      message: `is not a field of this ${where}`,
    }));
  }
  return [{ field: base || where, code: issue.keyword, message: issue.message ?? 'is invalid' }];
}

function fastifyCodeToStable(code: string | undefined, status: number): string {
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE' || status === 413) return 'request.too_large';
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || status === 415) return 'request.unsupported_media_type';
  if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'request.empty_body';
  return 'request.malformed';
}

function describeFastifyError(error: FastifyError): string {
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return 'The request body is larger than this endpoint accepts.';
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return `The body is not valid JSON: ${error.message}`;
  }
  return error.message;
}
