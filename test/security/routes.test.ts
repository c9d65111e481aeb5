import { describe, expect, it } from 'vitest';
import { ROLES } from '../../src/lib/context.js';
import { Problem } from '../../src/lib/problem.js';
import { TEST_PASSWORD, useTestHospital } from '../helpers/app.js';
import {
  isPermission,
  isPublicPath,
  openApiDocument,
  operationsOf,
  requestFor,
  rolesWith,
  rolesWithout,
  securityFixtures,
  SESSION_ENDING,
} from '../helpers/security.js';

/*
 * Every operation in the OpenAPI document, walked from the document itself so a new route is covered the day it
 * is added. Requests carry real ids and a minimal valid body (test/helpers/security.ts), so a 403 here proves
 * the permission check refused, not that validation would have; the roles that hold the permission must get a
 * 2xx with the same request, which keeps the samples honest.
 */
const h = await useTestHospital();
const { sessions, fixtures } = await securityFixtures(h);
const operations = operationsOf(await openApiDocument(h.app));
const guarded = operations.filter((op) => !isPublicPath(op.path));

describe('the OpenAPI document', () => {
  it('lists the operations of the foundation', () => {
    const keys = operations.map((op) => op.key);
    for (const key of [
      'GET /health',
      'POST /api/auth/login',
      'POST /api/auth/logout',
      'GET /api/patients',
      'POST /api/patients',
      'GET /api/patients/{id}',
      'PATCH /api/patients/{id}',
      'GET /api/patients/{id}/timeline',
      'POST /api/patients/{id}/encounters',
      'GET /api/audit',
    ]) {
      expect(keys).toContain(key);
    }
  });

  it.each(operations.map((op) => [op.key, op] as const))('%s has a summary and a documented success response', (_key, op) => {
    expect(op.operation.summary?.trim()).toBeTruthy();
    const responses = op.operation.responses ?? {};
    const success = ['200', '201', '204'].filter((status) => status in responses);
    expect(success).not.toEqual([]);
    for (const status of success.filter((s) => s !== '204')) expect(responses[status]?.content?.['application/json']?.schema, `${status} schema`).toBeDefined();
  });

  it.each(guarded.map((op) => [op.key, op] as const))('%s names a known permission in x-permission and documents 401', (_key, op) => {
    expect(isPermission(op.operation['x-permission']), `x-permission is ${op.operation['x-permission']}`).toBe(true);
    expect(Object.keys(op.operation.responses ?? {})).toContain('401');
  });

  it('asks for no credentials on the public operations', () => {
    for (const op of operations.filter((o) => isPublicPath(o.path))) expect((op.operation as { security?: unknown }).security, op.key).toEqual([]);
  });

  it('is served as JSON at /docs/json and as a page at /docs', async () => {
    const json = await h.app.inject({ method: 'GET', url: '/docs/json' });
    expect(json.statusCode).toBe(200);
    expect(json.headers['content-type']).toMatch(/json/);
    expect(json.json()).toMatchObject({ openapi: expect.stringMatching(/^3\./), info: { title: 'HCRM API', version: 'test' } });
    const page = await h.app.inject({ method: 'GET', url: '/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
  });
});

describe('without a session', () => {
  it.each(guarded.map((op) => [op.key, op] as const))('%s answers 401 problem+json', async (_key, op) => {
    const request = requestFor(op, await fixtures());
    for (const headers of [{}, { authorization: 'Bearer forged-token' }, { cookie: 'hcrm_session=forged-token' }]) {
      const reply = await h.app.inject({ ...request, headers: { ...request.headers, ...headers } });
      expect(reply.statusCode, reply.body).toBe(401);
      expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(Problem.parse(reply.json())).toMatchObject({ status: 401, code: 'auth.required' });
    }
  });

  it('still answers the public operations', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    expect((await h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody', password: 'nothing' } })).statusCode).toBe(401);
    expect((await h.app.inject({ method: 'GET', url: '/docs/json' })).statusCode).toBe(200);
  });
});

describe('with a role that lacks the permission', () => {
  const cases = guarded.flatMap((op) => (isPermission(op.operation['x-permission']) ? rolesWithout(op.operation['x-permission']).map((role) => [op.key, role, op] as const) : []));

  it.each(cases)('%s answers 403 to a %s', async (_key, role, op) => {
    const request = requestFor(op, await fixtures());
    const reply = await h.app.inject({ ...request, headers: { ...request.headers, ...sessions[role].headers } });
    expect(reply.statusCode, reply.body).toBe(403);
    expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Problem.parse(reply.json())).toMatchObject({ status: 403, code: 'auth.forbidden' });
  });
});

describe('with a role that holds the permission', () => {
  const cases = guarded.flatMap((op) => (isPermission(op.operation['x-permission']) ? rolesWith(op.operation['x-permission']).map((role) => [op.key, role, op] as const) : []));

  it.each(cases)('%s succeeds for a %s', async (key, role, op) => {
    const request = requestFor(op, await fixtures());
    let headers = sessions[role].headers;
    if (SESSION_ENDING.has(key)) {
      const login = await h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: sessions[role].username, password: TEST_PASSWORD } });
      headers = { authorization: `Bearer ${(login.json() as { token: string }).token}` };
    }
    const reply = await h.app.inject({ ...request, headers: { ...request.headers, ...headers } });
    expect(reply.statusCode, reply.body).toBeGreaterThanOrEqual(200);
    expect(reply.statusCode, reply.body).toBeLessThan(300);
  });

  it('covers every role somewhere', () => {
    const withAny = new Set(guarded.flatMap((op) => (isPermission(op.operation['x-permission']) ? rolesWith(op.operation['x-permission']) : [])));
    expect([...withAny].sort()).toEqual([...ROLES].sort());
  });
});
